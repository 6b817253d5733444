-- When each feed item was last in its feed (Unix seconds). Items gone from their feed for
-- FORGET_SEEN_AFTER (bot/store/news.py) are forgotten, so the table no longer keeps every item a
-- feed ever showed. Rows from before this: counted as seen now.
BEGIN;

ALTER TABLE news_seen ADD COLUMN seen_at REAL NOT NULL DEFAULT 0;
UPDATE news_seen SET seen_at = CAST(strftime('%s', 'now') AS REAL);
CREATE INDEX news_seen_age ON news_seen (source_id, seen_at);

PRAGMA user_version = 10;
COMMIT;
