"""Validation rules: a whole tree at once, or one concept / sibling group incrementally."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from .findings import Finding, Severity
from .model import Concept, Tree
from .text import label_key, unprintable

ERROR, WARNING = Severity.ERROR, Severity.WARNING

# Rule id -> what it checks. Structural rules always block; the others follow the policy.
RULES = {
    "duplicate_id": "ids are unique",
    "cycle": "no concept is its own ancestor",
    "dangling_parent": "every parent exists",
    "parent_retired": "every parent is active",
    "dangling_reference": "replaced_by and related point to existing concepts",
    "duplicate_iri": "no two concepts share an IRI",
    "no_label": "every concept has a label in some language",
    "duplicate_label": "no two active siblings share a label in one language",
    "missing_language": "every concept has a label in each required language",
    "unprintable_label": "labels hold no control characters",
}


@dataclass(frozen=True)
class Policy:
    """How strict the label rules are for one taxonomy and one kind of input."""

    required_languages: tuple[str, ...] = ("ar",)
    missing_language: Severity = WARNING
    label_rules: Severity = ERROR  # duplicate and unprintable labels

    def for_import(self) -> Policy:
        """Published files may have minor label flaws: they become warnings to fix later."""
        return Policy(self.required_languages, WARNING, WARNING)


DEFAULT_POLICY = Policy()


def concept_findings(concept: Concept, policy: Policy) -> list[Finding]:
    """Rules about one concept's own labels."""
    if not concept.labels:
        return [Finding("no_label", ERROR, concept.id)]
    findings = []
    for language in policy.required_languages:
        if language not in concept.labels:
            findings.append(
                Finding(
                    "missing_language", policy.missing_language, concept.id, {"language": language}
                )
            )
    # Each text with control characters is named by its field and language.
    for field, texts, multiline in (
        ("label", concept.labels, False),
        ("scope note", concept.notes, True),
    ):
        for language, text in texts.items():
            if unprintable(text, multiline=multiline):
                findings.append(
                    Finding(
                        "unprintable_label",
                        policy.label_rules,
                        concept.id,
                        {"field": field, "language": language},
                    )
                )
    return findings


def sibling_findings(
    siblings: Iterable[str], lookup: Callable[[str], Concept], policy: Policy
) -> list[Finding]:
    """Duplicate labels among one parent's active children, per language."""
    findings = []
    first: dict[tuple[str, str], str] = {}
    for concept_id in siblings:
        concept = lookup(concept_id)
        for language, label in concept.labels.items():
            key = (language, label_key(label))
            other = first.setdefault(key, concept_id)
            if other != concept_id:
                findings.append(
                    Finding(
                        "duplicate_label",
                        policy.label_rules,
                        concept_id,
                        {"other": other, "language": language, "label": label},
                    )
                )
    return findings


def validate(tree: Tree, policy: Policy = DEFAULT_POLICY) -> list[Finding]:
    """Every finding of the whole tree (structure is guaranteed by construction)."""
    findings: list[Finding] = []
    concepts: Mapping[str, Concept] = tree.concepts
    iris: dict[str, str] = {}
    for concept in concepts.values():
        iri = concept.details.iri
        if iri is not None:
            other = iris.setdefault(iri, concept.id)
            if other != concept.id:
                findings.append(
                    Finding("duplicate_iri", ERROR, concept.id, {"other": other, "iri": iri})
                )
        found = concept_findings(concept, policy)
        if not concept.active:  # a retired concept is not shown: its languages do not count
            found = [f for f in found if f.rule != "missing_language"]
        findings.extend(found)
        for target in (concept.replaced_by, *concept.related):
            if target is not None and target not in concepts:
                findings.append(
                    Finding("dangling_reference", WARNING, concept.id, {"target": target})
                )
    for siblings in tree.children.values():
        if len(siblings) > 1:
            findings.extend(sibling_findings(siblings, concepts.__getitem__, policy))
    return findings


def blocking(findings: Iterable[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity is ERROR]
