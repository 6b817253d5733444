-- PostgreSQL's DDL for what bot/db/migrations/0013_listing_proposals.sql gives SQLite.
-- Proposals: a fact a listings database (TVmaze) states differently from the catalogue waits in
-- the review queue beside news items (one pending per show and entry); `proposal_memory` keeps
-- the value last listed per show and entry and whether editors dismissed it.
ALTER TABLE news_item ADD COLUMN proposal TEXT;
ALTER TABLE news_item ADD COLUMN fact_kind TEXT;
ALTER TABLE news_item ADD COLUMN fact_key TEXT;
CREATE UNIQUE INDEX news_item_one_proposal ON news_item (show_id, fact_kind, fact_key)
    WHERE state = 'pending' AND fact_kind IS NOT NULL;

CREATE TABLE proposal_memory (
    show_id   BIGINT  NOT NULL REFERENCES show (id),
    kind      TEXT    NOT NULL,
    key       TEXT    NOT NULL,
    listed    TEXT    NOT NULL,                       -- JSON: the value last listed
    dismissed INTEGER NOT NULL DEFAULT 0 CHECK (dismissed IN (0, 1)),
    PRIMARY KEY (show_id, kind, key)
);

UPDATE schema_version SET version = 13;
