-- Claims on deliveries in flight, for several processes sharing one outbox: who claimed a
-- delivery (one process's run) and until when (Unix seconds). A delivery still 'sending' after
-- its lease ran out was left by a process that stopped or died; another takes it up again.
-- Deliveries already in flight keep no claim: they may be resumed at once, as before. (Few
-- deliveries are in flight at once: the partial index delivery_in_flight finds them.)
BEGIN;

ALTER TABLE delivery ADD COLUMN claimed_by TEXT;
ALTER TABLE delivery ADD COLUMN lease_until REAL;

PRAGMA user_version = 9;
COMMIT;
