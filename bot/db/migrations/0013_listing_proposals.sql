-- Proposals: a fact a listings database (TVmaze) states differently from the catalogue waits in
-- the review queue beside news items, so it is posted once, paged in /queue and settled like
-- them. A queue item that is a proposal carries the proposed fact (`proposal`, JSON: kind, key,
-- fields, confidence, source) and the entry it is about (`fact_kind`, `fact_key`): at most one
-- such item per show and entry waits at a time; a newer listed value replaces it in place.
-- `proposal_memory` keeps, per show and entry, the value last listed and whether editors
-- dismissed it: a dismissed value is not proposed again until the listing changes once more.
BEGIN;

ALTER TABLE news_item ADD COLUMN proposal TEXT;
ALTER TABLE news_item ADD COLUMN fact_kind TEXT;
ALTER TABLE news_item ADD COLUMN fact_key TEXT;
CREATE UNIQUE INDEX news_item_one_proposal ON news_item (show_id, fact_kind, fact_key)
    WHERE state = 'pending' AND fact_kind IS NOT NULL;

CREATE TABLE proposal_memory (
    show_id   INTEGER NOT NULL REFERENCES show (id),
    kind      TEXT    NOT NULL,
    key       TEXT    NOT NULL,
    listed    TEXT    NOT NULL,                       -- JSON: the value last listed
    dismissed INTEGER NOT NULL DEFAULT 0 CHECK (dismissed IN (0, 1)),
    PRIMARY KEY (show_id, kind, key)
);

PRAGMA user_version = 13;
COMMIT;
