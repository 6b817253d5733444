-- Claims on deliveries in flight, for several processes sharing one outbox: who claimed a
-- delivery (one process's run) and until when (Unix seconds). A delivery still 'sending' after
-- its lease ran out was left by a process that stopped or died; another takes it up again.
-- Deliveries already in flight keep no claim: they may be resumed at once, as before. (Few
-- deliveries are in flight at once: the partial index delivery_in_flight finds them.)
ALTER TABLE delivery ADD COLUMN claimed_by TEXT;
ALTER TABLE delivery ADD COLUMN lease_until DOUBLE PRECISION;

-- Deliveries queued by one process may be for another's shards: tell the others to look (a
-- prediction event's come without a change, which the triggers of 0001 would not tell them of).
CREATE TRIGGER delivery_notify AFTER INSERT ON delivery
    FOR EACH STATEMENT EXECUTE FUNCTION seasonwatch_notify();

UPDATE schema_version SET version = 9;
