-- PLACEHOLDER on the shard branch only, so that 0009 follows without a gap here: the real
-- 0008 comes from another branch; drop this file when merging.
BEGIN;
PRAGMA user_version = 8;
COMMIT;
