"""What the composer's form leaves out or says in its own way, turned into the engine's
changes: a new concept's id and position, and a relabel that may also change synonyms (the
engine's `relabel` plus an `annotate` of the synonyms, merged with those it has)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import lazy_gettext as _l

from ..taxonomy import Tree, clean, generate_id
from .errors import ServiceError

LANGUAGES = ("ar", "en")


def completed(action: Mapping[str, Any], tree: Tree) -> list[dict[str, Any]]:
    """The engine's JSON changes for one composer action on `tree` (the base version as the
    change set so far leaves it)."""
    data = dict(action)
    if data.get("op") == "relabel" and "alt_labels" in data:
        return _relabelled(data, tree)
    if data.get("op") == "retire":
        _check_cascade(data, tree)
    if data.get("op") not in ("add", "move", "reinstate"):
        return [data]
    if data["op"] == "add" and not data.get("id"):
        labels = {k: v for k, v in (data.get("labels") or {}).items() if v}
        data["id"] = generate_id(labels, set(tree.concepts))
    if data.get("position") is None:
        parent = data.get("parent") or None
        siblings = tree.children_of(parent)
        data["position"] = len(siblings) - (1 if data.get("id") in siblings else 0)
    return [data]


def _check_cascade(data: dict[str, Any], tree: Tree) -> None:
    """Retiring a concept with its children retires its whole subtree: only when the
    author confirms it, told how many concepts go (a top-level concept's whole branch)."""
    confirmed = bool(data.pop("confirmed", False))
    concept = tree.get(clean(str(data.get("id") or "")))
    if data.get("children") != "cascade" or concept is None or not concept.active:
        return
    count = len(tree.descendants(concept.id))
    if count and not confirmed:
        message = (
            _l(
                "This retires a whole top-level branch: %(count)d concepts under it go with "
                "it. Tick the box to confirm, or let its children move up.",
                count=count,
            )
            if concept.parent is None
            else _l(
                "%(count)d concepts under it are retired with it. Tick the box to confirm, "
                "or let its children move up.",
                count=count,
            )
        )
        raise ServiceError(str(message), field="children")


def _relabelled(data: dict[str, Any], tree: Tree) -> list[dict[str, Any]]:
    """Labels, scope notes and synonyms as the form gives them. A form drawn with the
    concept's own values (`prefilled`) means what it shows: an emptied field removes the
    text. A form filled in blind (the id typed in) only adds: an empty field keeps what is
    there, and synonyms join those the concept has."""
    concept_id = clean(str(data.get("id") or ""))
    concept = tree.get(concept_id)
    if concept is None:
        raise ServiceError(
            str(_l("There is no concept %(id)s in this version.", id=concept_id or "-")),
            field="concept",
        )
    prefilled = bool(data.get("prefilled"))
    labels = _texts(data.get("labels") or {}, concept.labels, prefilled)
    notes = _texts(data.get("notes") or {}, concept.notes, prefilled)
    synonyms = _synonyms(data.get("alt_labels") or {}, concept.alt_labels, prefilled)
    changes: list[dict[str, Any]] = []
    if labels or notes:
        changes.append({"op": "relabel", "id": concept_id, "labels": labels, "notes": notes})
    if synonyms is not None:
        changes.append({"op": "annotate", "id": concept_id, "alt_labels": synonyms})
    if not changes:
        raise ServiceError(
            str(_l("Nothing changes: the labels, notes and synonyms are as they are.")),
            field="label_ar",
        )
    return changes


def _texts(
    given: Mapping[str, str | None], current: Mapping[str, str], prefilled: bool
) -> dict[str, str | None]:
    changed: dict[str, str | None] = {}
    for language in LANGUAGES:
        if language not in given:
            continue
        text = clean(given[language] or "") or None
        if (text is None and not prefilled) or text == current.get(language):
            continue
        changed[language] = text
    return changed


def _synonyms(
    given: Mapping[str, str | list[str]],
    current: Mapping[str, tuple[str, ...]],
    prefilled: bool,
) -> dict[str, list[str]] | None:
    """All of the concept's synonyms as they will be, or None when they stay as they are."""
    wanted = {language: list(values) for language, values in current.items()}
    for language in LANGUAGES:
        if language not in given:
            continue
        lines = given[language]
        texts = lines.splitlines() if isinstance(lines, str) else list(lines)
        new = list(dict.fromkeys(t for t in (clean(x) for x in texts) if t))
        if not prefilled:
            new = list(dict.fromkeys([*current.get(language, ()), *new]))
        if new:
            wanted[language] = new
        else:
            wanted.pop(language, None)
    same = {k: sorted(v) for k, v in wanted.items()} == {k: sorted(v) for k, v in current.items()}
    return None if same else wanted
