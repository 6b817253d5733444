-- Shows linked to a listings database (TVmaze): which show there, and how checking it goes.
-- One link per show and provider; one show per listing. The watch reads `next_check_at`.
BEGIN;

CREATE TABLE listing_link (
    id            INTEGER PRIMARY KEY,
    show_id       INTEGER NOT NULL REFERENCES show (id),
    provider      TEXT    NOT NULL,                   -- 'tvmaze'
    external_id   TEXT    NOT NULL,                   -- the provider's show id
    page_url      TEXT    NOT NULL,                   -- the show's page there (the facts' source)
    failures      INTEGER NOT NULL DEFAULT 0,
    failing_since REAL,                               -- Unix seconds of the first failure in a row
    last_error    TEXT,
    next_check_at REAL    NOT NULL DEFAULT 0,
    last_ok_at    REAL,
    linked_at     TEXT    NOT NULL,
    UNIQUE (provider, external_id),
    UNIQUE (show_id, provider)
);

CREATE INDEX listing_link_due ON listing_link (next_check_at);

PRAGMA user_version = 12;
COMMIT;
