-- Shows, their entries (one fact each) and every change ever made to an entry.
BEGIN;

CREATE TABLE show (
    id             INTEGER PRIMARY KEY,
    slug           TEXT    NOT NULL UNIQUE,
    title          TEXT    NOT NULL,
    original_title TEXT,
    network        TEXT,
    season         INTEGER NOT NULL CHECK (season > 0),
    aliases        TEXT    NOT NULL DEFAULT '[]',  -- JSON list of strings
    archived       INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1))
);

CREATE TABLE entry (
    id          INTEGER PRIMARY KEY,
    show_id     INTEGER NOT NULL REFERENCES show (id),
    kind        TEXT    NOT NULL CHECK (kind IN ('status', 'release', 'cast', 'episodes', 'news')),
    key         TEXT    NOT NULL,
    version     INTEGER NOT NULL CHECK (version > 0),
    -- NULL data means the entry was removed; the row stays so its history and version go on.
    data        TEXT,
    updated_at  TEXT    NOT NULL,
    UNIQUE (show_id, kind, key)
);

CREATE TABLE change (
    id            INTEGER PRIMARY KEY,
    entry_id      INTEGER NOT NULL REFERENCES entry (id),
    version       INTEGER NOT NULL,
    before        TEXT,
    after         TEXT,
    editor_id     INTEGER NOT NULL,
    editor_name   TEXT    NOT NULL,
    created_at    TEXT    NOT NULL,
    reason        TEXT,
    silent        INTEGER NOT NULL DEFAULT 0 CHECK (silent IN (0, 1)),
    correction_of INTEGER REFERENCES change (id),
    UNIQUE (entry_id, version)
);

CREATE INDEX change_by_entry ON change (entry_id, id);

PRAGMA user_version = 1;
COMMIT;
