"""Pairing the concepts of two trees that share no ids, by normalised label and path."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace

from .build import build
from .model import Tree
from .text import label_key


@dataclass(frozen=True)
class Matching:
    """`pairs` maps ids of the new tree to ids of the old; the rest could not be paired."""

    pairs: dict[str, str]
    unmatched_old: list[str]
    unmatched_new: list[str]
    # Why each new id was paired: "path" (the labels of its whole path) or a language
    # code (a label unique in both trees in that language).
    reasons: dict[str, str] = field(default_factory=dict)


def languages_of(*trees: Tree) -> tuple[str, ...]:
    """Every language some active concept of the trees has a label in, Arabic and English
    first."""
    found = {lang for tree in trees for c in tree.walk() for lang in c.labels}
    return tuple(sorted(found, key=lambda lang: (lang not in ("ar", "en"), lang)))


def _label_keys(tree: Tree, concept_id: str, languages: tuple[str, ...]) -> tuple[str, ...]:
    labels = tree.concepts[concept_id].labels
    return tuple(label_key(labels.get(language, "")) for language in languages)


def match(old: Tree, new: Tree, languages: tuple[str, ...] | None = None) -> Matching:
    """Pair active concepts: first by the labels of the whole path from the root, then, for
    the rest, by a label (in any of `languages`: by default every language either tree has)
    that is unique in both trees."""
    languages = languages or languages_of(old, new)
    # Paths compare the languages both trees have: a file that adds French labels must
    # still pair by its Arabic and English paths.
    shared = set(languages_of(old)) & set(languages_of(new))
    path_languages = tuple(lang for lang in languages if lang in shared) or languages
    pairs: dict[str, str] = {}
    reasons: dict[str, str] = {}

    def paths(tree: Tree) -> dict[tuple[tuple[str, ...], ...], list[str]]:
        result: dict[tuple[tuple[str, ...], ...], list[str]] = defaultdict(list)
        keys: dict[str, tuple[tuple[str, ...], ...]] = {}
        for concept_id in tree.descendants(None):
            parent = tree.concepts[concept_id].parent
            prefix = keys[parent] if parent is not None else ()
            keys[concept_id] = (*prefix, _label_keys(tree, concept_id, path_languages))
            result[keys[concept_id]].append(concept_id)
        return result

    old_paths, new_paths = paths(old), paths(new)
    for path, new_ids in new_paths.items():
        old_ids = old_paths.get(path, [])
        if len(new_ids) == 1 and len(old_ids) == 1:
            pairs[new_ids[0]] = old_ids[0]
            reasons[new_ids[0]] = "path"

    paired_old = set(pairs.values())
    for index in range(len(languages)):

        def unique(tree: Tree, taken: set[str], i: int = index) -> dict[str, str]:
            seen: dict[str, list[str]] = defaultdict(list)
            for concept_id in tree.descendants(None):
                if concept_id not in taken:
                    key = _label_keys(tree, concept_id, languages)[i]
                    if key:
                        seen[key].append(concept_id)
            return {key: ids[0] for key, ids in seen.items() if len(ids) == 1}

        by_old = unique(old, paired_old)
        by_new = unique(new, set(pairs))
        for key, new_id in sorted(by_new.items()):
            old_id = by_old.get(key)
            if old_id is not None and old_id not in paired_old:
                pairs[new_id] = old_id
                reasons[new_id] = languages[index]
                paired_old.add(old_id)
    unmatched_old = [c for c in old.descendants(None) if c not in paired_old]
    unmatched_new = [c for c in new.descendants(None) if c not in pairs]
    return Matching(pairs, unmatched_old, unmatched_new, reasons)


def adopt_ids(old: Tree, new: Tree, matching: Matching) -> Tree:
    """`new` with the ids of `old` for paired concepts (parents and references follow)."""
    rename = dict(matching.pairs)
    taken = set(old.concepts)
    for concept_id in matching.unmatched_new:
        if concept_id in taken:  # a new concept must not take an old concept's id
            candidate, n = f"{concept_id}-new", 2
            while candidate in taken or candidate in new.concepts:
                candidate, n = f"{concept_id}-new{n}", n + 1
            rename[concept_id] = candidate
    renamed = [
        replace(
            concept,
            id=rename.get(concept.id, concept.id),
            parent=rename.get(concept.parent, concept.parent) if concept.parent else None,
            replaced_by=(
                rename.get(concept.replaced_by, concept.replaced_by)
                if concept.replaced_by
                else None
            ),
            details=replace(
                concept.details, related=tuple(sorted(rename.get(r, r) for r in concept.related))
            ),
        )
        for concept in new.concepts.values()
    ]
    return build(renamed)
