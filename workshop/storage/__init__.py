"""Storage: how versions sit in the database (interval rows, order keys, the search index)
and how they are read back as engine trees. Services call it; it knows no permissions."""
