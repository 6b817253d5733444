-- PLACEHOLDER on the shard branch only, so that 0009 follows without a gap here: the real
-- 0007 comes from another branch; drop this file when merging.
BEGIN;
PRAGMA user_version = 7;
COMMIT;
