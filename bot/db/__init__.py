"""The database: one connection and its transactions (`connection`), each backend's own ways
(`sqlite`, `postgres`), the migrations, row conversions, copying to PostgreSQL, the URL's secrets
(`url`) and the one-line explanations of database faults (`faults`). Features keep their SQL in
their own `store` modules."""
