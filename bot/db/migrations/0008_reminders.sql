-- Fans' own alerts: reminders (a DM to one person whenever one entry changes) and their
-- outbox of direct messages, written in the change's own transaction like `delivery`.
BEGIN;

CREATE TABLE reminder (
    id            INTEGER PRIMARY KEY,
    user_id       INTEGER NOT NULL,
    show_id       INTEGER NOT NULL REFERENCES show (id),
    kind          TEXT    NOT NULL,            -- the entry, by its stable identity: it may be
    key           TEXT    NOT NULL,            -- removed and written again under a new id
    language      TEXT    NOT NULL DEFAULT 'en' CHECK (language IN ('en', 'ko')),
    state         TEXT    NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'paused')),
    paused_reason TEXT,
    told          INTEGER NOT NULL DEFAULT 1 CHECK (told IN (0, 1)),  -- 0: paused, not yet said
    created_at    TEXT    NOT NULL,
    CHECK ((state = 'paused') = (paused_reason IS NOT NULL)),
    UNIQUE (user_id, show_id, kind, key)
);

CREATE INDEX reminder_matching ON reminder (show_id, kind, key) WHERE state = 'active';
CREATE INDEX reminder_untold ON reminder (user_id) WHERE told = 0;

-- One direct message of one change to one reminder's person. Times are Unix seconds.
CREATE TABLE dm (
    id              INTEGER PRIMARY KEY,
    reminder_id     INTEGER NOT NULL REFERENCES reminder (id) ON DELETE CASCADE,
    change_id       INTEGER NOT NULL REFERENCES change (id),
    user_id         INTEGER NOT NULL,
    state           TEXT    NOT NULL DEFAULT 'pending'
                    CHECK (state IN ('pending', 'sending', 'delivered', 'failed', 'skipped')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at REAL    NOT NULL,
    last_attempt_at REAL,
    message_id      INTEGER,
    last_error      TEXT,
    created_at      TEXT    NOT NULL,
    UNIQUE (change_id, reminder_id)
);

CREATE INDEX dm_due ON dm (next_attempt_at, id) WHERE state = 'pending';
CREATE INDEX dm_by_reminder ON dm (reminder_id, state);

-- Premiere events: `/alerts subscribe … events:true` asks for the show's premiere in the
-- server's Events tab. One row per server and season: what Discord has (event_id, event_day)
-- and whether it needs another look (state), set in the release change's own transaction. The
-- day wanted is read from the release entry when the row is handled, so two quick changes
-- leave one row, one event.
ALTER TABLE subscription ADD COLUMN events INTEGER NOT NULL DEFAULT 0 CHECK (events IN (0, 1));

CREATE TABLE premiere (
    id              INTEGER PRIMARY KEY,
    guild_id        INTEGER NOT NULL,
    show_id         INTEGER NOT NULL REFERENCES show (id),
    season          INTEGER NOT NULL,
    event_id        INTEGER,           -- Discord's scheduled event, once created (never twice)
    event_day       TEXT,              -- YYYY-MM-DD it starts on, as Discord has it
    state           TEXT    NOT NULL DEFAULT 'pending'
                    CHECK (state IN ('pending', 'sending', 'done', 'blocked', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at REAL    NOT NULL,
    last_error      TEXT,
    UNIQUE (guild_id, show_id, season)
);

CREATE INDEX premiere_due ON premiere (next_attempt_at) WHERE state = 'pending';

PRAGMA user_version = 8;
COMMIT;
