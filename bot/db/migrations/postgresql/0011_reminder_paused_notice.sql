-- A reminder just paused (told goes from 1 to 0) is news to every process: whichever answers
-- its person's next command tells them. Only that change notifies: resuming or telling does
-- not, since every notice makes the other processes reload their view.
CREATE TRIGGER reminder_notify AFTER UPDATE OF told ON reminder
    FOR EACH ROW WHEN (NEW.told = 0 AND OLD.told <> 0)
    EXECUTE FUNCTION seasonwatch_notify();

UPDATE schema_version SET version = 11;
