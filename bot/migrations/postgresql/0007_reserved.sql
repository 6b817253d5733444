-- Placeholder: number 0007 belongs to another branch's migration. This file only keeps the
-- numbering gap-free on the `remind` branch; delete it when that branch's 0007 is merged.
UPDATE schema_version SET version = 7;
