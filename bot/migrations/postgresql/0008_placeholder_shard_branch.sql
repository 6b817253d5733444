-- PLACEHOLDER on the shard branch only, so that 0009 follows without a gap here: the real
-- 0008 comes from another branch; drop this file when merging.
UPDATE schema_version SET version = 8;
