-- Small values the bot keeps between starts, by key (the hash of the commands last synced).
CREATE TABLE setting (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

UPDATE schema_version SET version = 5;
