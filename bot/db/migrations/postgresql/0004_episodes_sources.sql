-- SQLite's 0004 converts stored episodes facts to one basis per value. PostgreSQL support
-- arrived after it, so no PostgreSQL database holds the old shape: nothing to convert.
UPDATE schema_version SET version = 4;
