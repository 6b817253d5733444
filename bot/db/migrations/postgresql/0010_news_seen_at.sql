-- When each feed item was last in its feed (Unix seconds). Items gone from their feed for
-- FORGET_SEEN_AFTER (bot/store/news.py) are forgotten, so the table no longer keeps every item a
-- feed ever showed. Rows from before this: counted as seen now.
ALTER TABLE news_seen ADD COLUMN seen_at DOUBLE PRECISION NOT NULL DEFAULT 0;
UPDATE news_seen SET seen_at = extract(epoch FROM now());
CREATE INDEX news_seen_age ON news_seen (source_id, seen_at);

UPDATE schema_version SET version = 10;
