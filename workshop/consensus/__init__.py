"""The consensus rules (pure: no Flask, no SQLAlchemy): proposal lifecycle, overlap, ballots,
quorum and thresholds. Its public names are exported here as they are added."""

from .candidate import ConflictNote, Entry, fingerprint, summarize
from .chain import GENESIS, Break, Link, Verdict, digest, middle, verify
from .lifecycle import (
    EDITABLE,
    FINAL,
    LIVE,
    TRANSITIONS,
    Mover,
    Status,
    allowed,
    editable,
    next_statuses,
)
from .overlap import Kind, Overlap, footprint, overlapping, overlaps
from .preview import Branch, Mark, Preview, around
from .voting import Choice, Outcome, QuorumBase, Result, Rule, Tally, decide, structural

__all__ = [
    "EDITABLE",
    "FINAL",
    "GENESIS",
    "LIVE",
    "TRANSITIONS",
    "Branch",
    "Break",
    "Choice",
    "ConflictNote",
    "Entry",
    "Kind",
    "Link",
    "Mark",
    "Mover",
    "Outcome",
    "Overlap",
    "Preview",
    "QuorumBase",
    "Result",
    "Rule",
    "Status",
    "Tally",
    "Verdict",
    "allowed",
    "around",
    "decide",
    "digest",
    "editable",
    "fingerprint",
    "footprint",
    "middle",
    "next_statuses",
    "overlapping",
    "overlaps",
    "structural",
    "summarize",
    "verify",
]
