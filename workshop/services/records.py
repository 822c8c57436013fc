"""What a published version leaves on record: its changelog (what changed, and which
proposal, decided by which vote, changed it), its crosswalk (each retired id and where its
services go now) and the consensus document (the workshops, the decisions with their
tallies and ballots, objections and how they ended, the resulting taxonomy, and the audit
chain's head at publication)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

import orjson
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..models import AgendaItem, Candidate, Proposal, Taxonomy, Version, Workshop, db, utc_iso
from ..taxonomy import Change, Tree, to_json
from . import browsing, candidates, differences, minutes, taxonomies
from .decisions import Decision, last_decisions
from .permissions import Actor, Permission, require


@dataclass(frozen=True)
class Incorporated:
    """A proposal a version incorporates, the vote that approved it, and what of it the
    merge applied."""

    proposal: Proposal
    decision: Decision | None
    changes: list[Change] = field(default_factory=list)

    def record(self) -> dict[str, Any]:
        p = self.proposal
        return {
            "id": p.id,
            "title": p.title,
            "agency": p.agency.code if p.agency else None,
            "decision": self.decision.record() if self.decision else None,
            "changes": [to_json(c) for c in self.changes],
        }


@dataclass(frozen=True)
class Changelog:
    """`before` and `after` are the trees the proposals' rows are drawn with: for a version
    published from a candidate, the candidate's merge (the version before it, read once,
    and the merged tree the version was checked equal to); else None (no proposals)."""

    actor: Actor | None
    taxonomy: Taxonomy
    version: Version
    incorporated: list[Incorporated]
    before: Tree | None = None
    after: Tree | None = None

    def changes(self) -> list[Change]:
        """Every change against the version before (a diff of the two trees: only the
        JSON and the diff page need it all)."""
        v = self.version
        if v.parent_number is None:
            return []
        return differences.difference(
            self.actor, self.taxonomy.slug, v.parent_number, v.number
        ).changes

    def record(self) -> dict[str, Any]:
        v = self.version
        return {
            "taxonomy": self.taxonomy.slug,
            "version": {
                "number": v.number,
                "published_at": v.published_at_iso,
                "based_on": v.parent_number,
                "note": v.note,
                "audit_head": v.audit_head,
                "proposals": v.proposal_ids,
                "counts": {
                    "added": v.added,
                    "relabelled": v.relabelled,
                    "moved": v.moved,
                    "retired": v.retired,
                    "annotated": v.annotated,
                    "reinstated": v.reinstated,
                },
            },
            "proposals": [i.record() for i in self.incorporated],
            "changes": [to_json(c) for c in self.changes()],
        }


def changelog(actor: Actor | None, slug: str, number: int) -> Changelog:
    require(actor, Permission.VIEW_TAXONOMY)
    taxonomy = taxonomies.get_taxonomy(slug)
    version = taxonomies.get_version(taxonomy, number)
    chosen = {
        p.id: p
        for p in db.session.scalars(
            select(Proposal)
            .where(Proposal.id.in_(version.proposal_ids))
            .options(selectinload(Proposal.agency), selectinload(Proposal.events))
        )
    }
    decided = last_decisions(list(chosen))
    merged = _merge_of(version)
    applied = merged.applied() if merged is not None else {}
    incorporated = [
        Incorporated(chosen[p], decided.get(p), applied.get(p, []))
        for p in version.proposal_ids
        if p in chosen
    ]
    if merged is None:
        return Changelog(actor, taxonomy, version, incorporated)
    return Changelog(actor, taxonomy, version, incorporated, merged.consensus, merged.report.tree)


def _merge_of(version: Version) -> candidates.Merged | None:
    """The merge the version was published from, made again (the same inputs give the same
    result, which the fingerprint confirms); None for a version from a file."""
    candidate = db.session.scalar(select(Candidate).where(Candidate.version_id == version.id))
    if candidate is None:
        return None
    merged = candidates.trees(candidate)
    return merged if merged.fingerprint == candidate.fingerprint else None


@dataclass(frozen=True)
class Redirect:
    """A retired id and where its services go: the concept that replaces it, and the
    active concept at the end of the chain of replacements (None: nowhere)."""

    old: str
    labels: dict[str, str]
    replaced_by: str | None
    final: str | None
    in_this_version: bool  # retired by this very version

    def record(self) -> dict[str, Any]:
        return {
            "old": self.old,
            "labels": self.labels,
            "replaced_by": self.replaced_by,
            "final": self.final,
            "retired_in_this_version": self.in_this_version,
        }


def crosswalk(actor: Actor | None, slug: str, number: int) -> tuple[Changelog, list[Redirect]]:
    log = changelog(actor, slug, number)
    tree = browsing.tree(actor, slug, number)[1]
    now = {c.id for c in log.changes() if c.op in ("retire", "merge")}
    found = [
        Redirect(c.id, dict(c.labels), c.replaced_by, final_of(tree, c.id), c.id in now)
        for c in tree.concepts.values()
        if not c.active
    ]
    found.sort(key=lambda r: (not r.in_this_version, r.old))
    return log, found


def final_of(tree: Tree, concept_id: str) -> str | None:
    """Follow replaced_by to an active concept (a cycle or a dead end: None)."""
    seen = set()
    current = tree.get(concept_id)
    while current is not None and not current.active:
        if current.id in seen or current.replaced_by is None:
            return None
        seen.add(current.id)
        current = tree.get(current.replaced_by)
    return current.id if current is not None else None


def crosswalk_csv(redirects: list[Redirect]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["old", "new", "final", "label_ar", "label_en", "retired_in_this_version"])
    for r in redirects:
        writer.writerow(
            [
                r.old,
                r.replaced_by or "",
                r.final or "",
                r.labels.get("ar", ""),
                r.labels.get("en", ""),
                "yes" if r.in_this_version else "no",
            ]
        )
    return ("\ufeff" + out.getvalue()).encode()  # a BOM: Excel then reads Arabic right


@dataclass(frozen=True)
class Document:
    changelog: Changelog
    workshops: list[minutes.Minutes]
    tree: Tree

    def record(self, export: bytes) -> dict[str, Any]:
        """As JSON, with `export` (the version's JSON export) as the resulting taxonomy."""
        return {
            "format": "workshop-consensus/1",
            **self.changelog.record(),
            "result": orjson.loads(export),
            "workshops": [m.record() for m in self.workshops],
            "histories": {
                str(i.proposal.id): [
                    {
                        "from": e.from_status,
                        "to": e.to_status,
                        "note": e.note,
                        "at": utc_iso(e.at),
                    }
                    for e in i.proposal.events
                ]
                for i in self.changelog.incorporated
            },
        }


def document(actor: Actor | None, slug: str, number: int) -> Document:
    """The consensus document of a version: every workshop that voted on a proposal it
    incorporates, whole (attendance and all decisions of the day)."""
    log = changelog(actor, slug, number)
    ids = [i.proposal.id for i in log.incorporated]
    held = (
        db.session.scalars(
            select(Workshop)
            .where(
                Workshop.id.in_(
                    select(AgendaItem.workshop_id).where(AgendaItem.proposal_id.in_(ids))
                )
            )
            .order_by(Workshop.held_on, Workshop.id)
        ).all()
        if ids
        else []
    )
    # The merged tree is the version's (publishing checked them equal): no second read.
    tree = log.after if log.after is not None else browsing.tree(actor, slug, number)[1]
    return Document(log, [minutes.build(w) for w in held], tree)


def document_record(actor: Actor | None, slug: str, number: int) -> dict[str, Any]:
    found = document(actor, slug, number)
    return found.record(browsing.export(actor, slug, number, "json")[1].data)
