-- Predictions: questions about a show, one guess per person each, and their announcements.
-- The outbox learns to carry prediction events as well as changes: SQLite cannot drop
-- NOT NULL in place, so `delivery` is rebuilt (rows and indexes kept) in this one script.
BEGIN;

CREATE TABLE prediction (
    id          INTEGER PRIMARY KEY,
    show_id     INTEGER NOT NULL REFERENCES show (id),
    question    TEXT    NOT NULL,
    kind        TEXT    NOT NULL CHECK (kind IN ('date', 'number', 'choice')),
    choices     TEXT    NOT NULL DEFAULT '[]',        -- JSON list of strings (kind choice)
    closes_at   TEXT,                                 -- UTC ISO time; NULL: open until resolved
    entry_id    INTEGER REFERENCES entry (id),        -- closes when this entry becomes confirmed
    state       TEXT    NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'closed', 'resolved')),
    closed_at   TEXT,
    answer      TEXT,
    opened_by   INTEGER NOT NULL,
    opened_by_name TEXT NOT NULL,
    resolved_by INTEGER,
    resolved_at TEXT,
    created_at  TEXT    NOT NULL,
    CHECK ((state = 'resolved') = (answer IS NOT NULL))
);

CREATE INDEX prediction_by_show ON prediction (show_id, state, id);
CREATE INDEX prediction_by_entry ON prediction (entry_id) WHERE state = 'open';
CREATE INDEX prediction_closing ON prediction (closes_at) WHERE state = 'open';

-- One guess per person per question; replaced until the question closes.
CREATE TABLE guess (
    id            INTEGER PRIMARY KEY,
    prediction_id INTEGER NOT NULL REFERENCES prediction (id),
    user_id       INTEGER NOT NULL,
    user_name     TEXT    NOT NULL,
    guild_id      INTEGER,                            -- where it was made; NULL in DMs
    answer        TEXT    NOT NULL,
    guessed_at    TEXT    NOT NULL,                   -- microseconds: ties go to the earlier guess
    points        INTEGER,                            -- NULL until the question is resolved
    UNIQUE (prediction_id, user_id)
);

CREATE INDEX guess_ranking ON guess (prediction_id, points DESC, guessed_at);
CREATE INDEX guess_by_guild ON guess (guild_id, prediction_id);
CREATE INDEX guess_by_user ON guess (user_id, prediction_id);

-- What gets announced under the `predictions` topic: a question opened, or (re)resolved.
CREATE TABLE prediction_event (
    id            INTEGER PRIMARY KEY,
    prediction_id INTEGER NOT NULL REFERENCES prediction (id),
    kind          TEXT    NOT NULL CHECK (kind IN ('opened', 'resolved')),
    answer        TEXT,                               -- resolved: the answer at the time
    top           TEXT    NOT NULL DEFAULT '[]',      -- resolved: JSON [[name, answer, points], ...]
    guesses       INTEGER NOT NULL DEFAULT 0,
    correction    INTEGER NOT NULL DEFAULT 0 CHECK (correction IN (0, 1)),
    editor_id     INTEGER NOT NULL,
    editor_name   TEXT    NOT NULL,
    created_at    TEXT    NOT NULL
);

CREATE TABLE delivery_new (
    id              INTEGER PRIMARY KEY,
    change_id       INTEGER REFERENCES change (id),
    event_id        INTEGER REFERENCES prediction_event (id),
    subscription_id INTEGER NOT NULL REFERENCES subscription (id) ON DELETE CASCADE,
    channel_id      INTEGER NOT NULL,
    state           TEXT    NOT NULL DEFAULT 'pending'
                    CHECK (state IN ('pending', 'sending', 'delivered', 'failed', 'skipped')),
    batch           INTEGER,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at REAL    NOT NULL,
    last_attempt_at REAL,
    message_id      INTEGER,
    last_error      TEXT,
    created_at      TEXT    NOT NULL,
    CHECK ((change_id IS NULL) <> (event_id IS NULL)),  -- exactly one of the two
    UNIQUE (change_id, channel_id),
    UNIQUE (event_id, channel_id)
);

INSERT INTO delivery_new (id, change_id, subscription_id, channel_id, state, batch, attempts,
                          next_attempt_at, last_attempt_at, message_id, last_error, created_at)
SELECT id, change_id, subscription_id, channel_id, state, batch, attempts, next_attempt_at,
       last_attempt_at, message_id, last_error, created_at
FROM delivery;

DROP TABLE delivery;
ALTER TABLE delivery_new RENAME TO delivery;

CREATE INDEX delivery_due ON delivery (next_attempt_at, id) WHERE state = 'pending';
CREATE INDEX delivery_in_flight ON delivery (batch) WHERE state = 'sending';
CREATE INDEX delivery_by_subscription ON delivery (subscription_id, state);

PRAGMA user_version = 3;
COMMIT;
