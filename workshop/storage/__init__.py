"""Storage: how versions sit in the database (interval rows) and the process-wide caches of
what published versions render to. Services call it; it knows no permissions."""
