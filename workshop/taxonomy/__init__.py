"""The taxonomy engine (pure: no Flask, no SQLAlchemy): trees, the change operations,
three-way apply and merge, diff, the id-less matcher and validation.

This module is the engine's public face: the rest of the application imports from here
(and from `workshop.taxonomy.formats` for files), never from the modules inside.
"""

from . import changes, details
from .apply import LENIENT, Applied, Outcome, Result, apply, seen_in_order
from .build import assemble, build
from .changes import (
    Add,
    Annotate,
    Change,
    ChangeFormatError,
    ChildPolicy,
    Merge,
    Move,
    Reinstate,
    Relabel,
    Retire,
    from_json,
    to_json,
)
from .crosswalk import read_crosswalk, with_crosswalk
from .details import NO_DETAILS, Details, make_details
from .diff import DiffError, diff
from .findings import Conflict, Finding, Severity, TreeError
from .ids import generate_id
from .match import Matching, adopt_ids, match
from .memory import paused_gc
from .merge import MergeReport, Proposal, ProposalReport, merge
from .messages import language_name
from .model import NO_ALT, Concept, Status, Tree, empty_tree, make_concept
from .sequences import longest_increasing
from .text import NO_TEXT, clean, label_key, search_fold
from .validate import DEFAULT_POLICY, Policy, validate

__all__ = [
    "DEFAULT_POLICY",
    "LENIENT",
    "NO_ALT",
    "NO_DETAILS",
    "NO_TEXT",
    "Add",
    "Annotate",
    "Applied",
    "Change",
    "ChangeFormatError",
    "ChildPolicy",
    "Concept",
    "Conflict",
    "Details",
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
    "Reinstate",
    "Relabel",
    "Result",
    "Retire",
    "Severity",
    "Status",
    "Tree",
    "TreeError",
    "adopt_ids",
    "apply",
    "assemble",
    "build",
    "changes",
    "clean",
    "details",
    "diff",
    "empty_tree",
    "from_json",
    "generate_id",
    "label_key",
    "language_name",
    "longest_increasing",
    "make_concept",
    "make_details",
    "match",
    "merge",
    "paused_gc",
    "read_crosswalk",
    "search_fold",
    "seen_in_order",
    "to_json",
    "validate",
    "with_crosswalk",
]
