"""The engine's structural invariants as plain sentences: what the property tests check."""

from __future__ import annotations

from workshop.taxonomy import Tree


def check_invariants(tree: Tree) -> list[str]:
    """Structural invariants as plain sentences (empty when all hold)."""
    problems = []
    seen_children: set[str] = set()
    for parent, ids in tree.children.items():
        if parent is not None and (parent not in tree or not tree[parent].active):
            problems.append(f"parent {parent} missing or retired")
        for index, concept_id in enumerate(ids):
            concept = tree.concepts.get(concept_id)
            if concept is None or not concept.active:
                problems.append(f"{concept_id} listed as a child but missing or retired")
                continue
            if concept.parent != parent or concept.position != index:
                problems.append(
                    f"{concept_id} is at {concept.parent}/{concept.position}, "
                    f"listed at {parent}/{index}"
                )
            if concept_id in seen_children:
                problems.append(f"{concept_id} listed twice")
            seen_children.add(concept_id)
    for concept in tree.concepts.values():
        if concept.active and concept.id not in seen_children:
            problems.append(f"{concept.id} is active but not in the tree")
        if not concept.active and concept.parent is not None:
            problems.append(f"retired {concept.id} still has a parent")
    reachable = set(tree.descendants(None))
    if reachable != seen_children:
        problems.append("some active concepts are not reachable from a root (cycle)")
    return problems
