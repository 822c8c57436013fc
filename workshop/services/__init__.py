"""Use cases: one function per action; each owns its transaction, permission check and audit."""
