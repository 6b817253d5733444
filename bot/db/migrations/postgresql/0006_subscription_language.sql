-- The language a subscription's announcements are written in: `en` or `ko` (see /alerts
-- subscribe language:). Existing subscriptions keep English, which is what they got so far.
ALTER TABLE subscription ADD COLUMN language TEXT NOT NULL DEFAULT 'en' CHECK (language IN ('en', 'ko'));

UPDATE schema_version SET version = 6;
