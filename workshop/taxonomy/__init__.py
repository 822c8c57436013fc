"""The taxonomy engine (pure: no Flask, no SQLAlchemy): trees, the five change operations,
three-way apply and merge, diff, the id-less matcher and validation.

This module is the engine's public face: the rest of the application imports from here
(and from `workshop.taxonomy.formats` for files), never from the modules inside.
"""

from . import changes
from .apply import LENIENT, Applied, Outcome, Result, apply, seen_in_order
from .build import build
from .changes import (
    Add,
    Change,
    ChangeFormatError,
    ChildPolicy,
    Merge,
    Move,
    Relabel,
    Retire,
    from_json,
    to_json,
)
from .diff import DiffError, diff
from .findings import Conflict, Finding, Severity, TreeError
from .match import Matching, adopt_ids, match
from .memory import paused_gc
from .merge import MergeReport, Proposal, ProposalReport, merge
from .model import NO_ALT, Concept, Status, Tree, empty_tree, make_concept
from .sequences import longest_increasing
from .text import NO_TEXT, label_key
from .validate import DEFAULT_POLICY, Policy, validate

__all__ = [
    "DEFAULT_POLICY",
    "LENIENT",
    "NO_ALT",
    "NO_TEXT",
    "Add",
    "Applied",
    "Change",
    "ChangeFormatError",
    "ChildPolicy",
    "Concept",
    "Conflict",
    "DiffError",
    "Finding",
    "Matching",
    "Merge",
    "MergeReport",
    "Move",
    "Outcome",
    "Policy",
    "Proposal",
    "ProposalReport",
    "Relabel",
    "Result",
    "Retire",
    "Severity",
    "Status",
    "Tree",
    "TreeError",
    "adopt_ids",
    "apply",
    "build",
    "changes",
    "diff",
    "empty_tree",
    "from_json",
    "label_key",
    "longest_increasing",
    "make_concept",
    "match",
    "merge",
    "paused_gc",
    "seen_in_order",
    "to_json",
    "validate",
]
