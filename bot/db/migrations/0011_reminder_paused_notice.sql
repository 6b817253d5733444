-- PostgreSQL now tells the other processes when a reminder is paused (migrations/postgresql/0011),
-- so that whichever process answers its person's next command tells them. SQLite needs nothing:
-- another connection's commit already shows in `PRAGMA data_version`. The number keeps the two
-- backends' schema versions in step.
BEGIN;

PRAGMA user_version = 11;
COMMIT;
