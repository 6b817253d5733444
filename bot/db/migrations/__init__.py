"""SQL migrations, applied in order by the store."""
