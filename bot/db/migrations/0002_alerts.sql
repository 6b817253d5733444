-- Alerts: which channel gets which announcements, and the outbox of announcements to send.
BEGIN;

CREATE TABLE subscription (
    id             INTEGER PRIMARY KEY,
    guild_id       INTEGER NOT NULL,
    channel_id     INTEGER NOT NULL,
    show_id        INTEGER REFERENCES show (id),  -- NULL: every show, present and future
    topics         TEXT    NOT NULL,              -- comma-separated: status,release,...,predictions
    min_confidence TEXT    NOT NULL DEFAULT 'speculation'
                   CHECK (min_confidence IN ('speculation', 'rumored', 'reported', 'confirmed')),
    role_id        INTEGER,                       -- the only thing an announcement may ping
    publish        INTEGER NOT NULL DEFAULT 0 CHECK (publish IN (0, 1)),
    state          TEXT    NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'paused')),
    paused_reason  TEXT,
    warning        TEXT,                          -- e.g. the last crosspost failed
    created_by     INTEGER NOT NULL,
    created_at     TEXT    NOT NULL,
    updated_at     TEXT    NOT NULL,
    CHECK ((state = 'paused') = (paused_reason IS NOT NULL))
);

-- One subscription per channel and show ("every show" counts as show 0).
CREATE UNIQUE INDEX subscription_by_channel ON subscription (channel_id, coalesce(show_id, 0));
CREATE INDEX subscription_by_guild ON subscription (guild_id);
CREATE INDEX subscription_matching ON subscription (state, show_id);

-- One announcement of one change to one channel. Written in the change's own transaction.
-- Times used for scheduling (next_attempt_at, last_attempt_at) are Unix seconds.
CREATE TABLE delivery (
    id              INTEGER PRIMARY KEY,
    change_id       INTEGER NOT NULL REFERENCES change (id),
    subscription_id INTEGER NOT NULL REFERENCES subscription (id) ON DELETE CASCADE,
    channel_id      INTEGER NOT NULL,
    state           TEXT    NOT NULL DEFAULT 'pending'
                    CHECK (state IN ('pending', 'sending', 'delivered', 'failed', 'skipped')),
    batch           INTEGER,           -- set at the first attempt: the deliveries sent as one message
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at REAL    NOT NULL,
    last_attempt_at REAL,
    message_id      INTEGER,
    last_error      TEXT,
    created_at      TEXT    NOT NULL,
    UNIQUE (change_id, channel_id)
);

CREATE INDEX delivery_due ON delivery (next_attempt_at, id) WHERE state = 'pending';
CREATE INDEX delivery_in_flight ON delivery (batch) WHERE state = 'sending';
CREATE INDEX delivery_by_subscription ON delivery (subscription_id, state);

PRAGMA user_version = 2;
COMMIT;
