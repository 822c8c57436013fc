"""The consensus rules (pure: no Flask, no SQLAlchemy): proposal lifecycle, overlap, ballots,
quorum and thresholds. Its public names are exported here as they are added."""

__all__: list[str] = []
