-- News intake: feeds editors watch (`news_source`), the items each has shown (`news_seen`), and
-- the review queue (`news_item`), which is also the outbox of its review posts: a queued item and
-- its post to REVIEW_CHANNEL_ID are written in one transaction, and the post is claimed
-- ('sending') before the request, as deliveries are.
BEGIN;

CREATE TABLE news_source (
    id            INTEGER PRIMARY KEY,
    url           TEXT    NOT NULL UNIQUE,
    name          TEXT    NOT NULL,                   -- the feed's own title, else its host
    show_id       INTEGER REFERENCES show (id),       -- attached: every item is a candidate for it
    keywords      TEXT    NOT NULL DEFAULT '[]',      -- JSON list; with a show, narrows its items
    state         TEXT    NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'paused')),
    paused_reason TEXT,
    etag          TEXT,                               -- validators from the last 200
    last_modified TEXT,
    seeded        INTEGER NOT NULL DEFAULT 0 CHECK (seeded IN (0, 1)),  -- first fetch recorded
    failures      INTEGER NOT NULL DEFAULT 0,
    failing_since REAL,                               -- Unix seconds of the first failure in a row
    last_error    TEXT,
    next_poll_at  REAL    NOT NULL,
    last_ok_at    REAL,
    added_by      INTEGER NOT NULL,
    created_at    TEXT    NOT NULL,
    CHECK ((state = 'paused') = (paused_reason IS NOT NULL))
);

CREATE INDEX news_source_due ON news_source (next_poll_at) WHERE state = 'active';

-- Every item identity (guid, else canonical link) a source has shown: never queued twice.
CREATE TABLE news_seen (
    source_id INTEGER NOT NULL REFERENCES news_source (id) ON DELETE CASCADE,
    item_key  TEXT    NOT NULL,
    PRIMARY KEY (source_id, item_key)
);

CREATE TABLE news_item (
    id              INTEGER PRIMARY KEY,
    show_id         INTEGER NOT NULL REFERENCES show (id),
    headline        TEXT    NOT NULL,
    url             TEXT    NOT NULL,                 -- as published
    link            TEXT    NOT NULL,                 -- canonical: one item per show and link
    published       TEXT,                             -- YYYY-MM-DD
    source_name     TEXT,
    summary         TEXT    NOT NULL DEFAULT '',      -- plain text, at most 300 characters
    people          TEXT    NOT NULL DEFAULT '[]',    -- JSON list of the cast members it names
    source_id       INTEGER REFERENCES news_source (id) ON DELETE SET NULL,
    tipper_id       INTEGER,                          -- a fan's tip: who, and their note
    tipper_name     TEXT,
    note            TEXT,
    state           TEXT    NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'added', 'dismissed')),
    settled_by      INTEGER,
    settled_by_name TEXT,
    settled_at      TEXT,
    change_id       INTEGER REFERENCES change (id),   -- the news entry it became
    created_at      TEXT    NOT NULL,
    created_ts      REAL    NOT NULL,                 -- Unix seconds: the tip limit counts these
    review_state    TEXT    NOT NULL DEFAULT 'none'
                    CHECK (review_state IN ('none', 'pending', 'sending', 'posted', 'failed')),
    review_channel  INTEGER,
    review_message  INTEGER,
    review_attempts INTEGER NOT NULL DEFAULT 0,
    review_next_at  REAL,
    review_tried_at REAL,
    review_error    TEXT,
    review_synced   INTEGER NOT NULL DEFAULT 1 CHECK (review_synced IN (0, 1)),  -- post shows state
    UNIQUE (show_id, link)
);

CREATE INDEX news_item_pending ON news_item (show_id, state, id);
CREATE INDEX news_item_review ON news_item (review_next_at) WHERE review_state = 'pending';
CREATE INDEX news_item_unsynced ON news_item (id) WHERE review_synced = 0;
CREATE INDEX news_item_tips ON news_item (tipper_id, created_ts) WHERE tipper_id IS NOT NULL;

PRAGMA user_version = 7;
COMMIT;
