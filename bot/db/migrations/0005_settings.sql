-- Small values the bot keeps between starts, by key: the hash of the command definitions
-- last synced to Discord, so a start with unchanged commands does not sync them again.
BEGIN;

CREATE TABLE setting (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

PRAGMA user_version = 5;
COMMIT;
