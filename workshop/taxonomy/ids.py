"""Short, readable, stable ids for concepts that arrive without one."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Mapping

from .text import label_key

_NOT_SLUG = re.compile(r"[^a-z0-9]+")
MAX_SLUG = 40


def slug(text: str) -> str:
    """ASCII, lower case, words joined by hyphens ("Health insurance" -> "health-insurance")."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = _NOT_SLUG.sub("-", ascii_text.lower()).strip("-")
    return words[:MAX_SLUG].rstrip("-")


def generate_id(labels: Mapping[str, str], taken: set[str]) -> str:
    """From the English label when there is one, else a short hash of the labels; the same
    labels give the same id, and a number is added when that id is already taken."""
    base = slug(labels.get("en", ""))
    if not base:
        source = "|".join(f"{k}={label_key(v)}" for k, v in sorted(labels.items()))
        base = "c-" + hashlib.sha256(source.encode()).hexdigest()[:8]
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    taken.add(candidate)
    return candidate
