"""Discussion of a proposal, or of a concept: threads of comments, each comment plain text
that may mark itself an objection or a question. Its author may edit it for a while (the
old text is kept), a coordinator may hide it with a reason, and a coordinator or the
proposal's agency (for a concept: the agency that started the thread) marks a thread
resolved. A subject is a proposal's id or a ConceptRef."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select

from ..models import (
    Comment,
    CommentEdit,
    ConceptRevision,
    Role,
    Taxonomy,
    as_utc,
    db,
    utcnow,
)
from . import audit, proposal_views, proposals, taxonomies
from .errors import NotFound, PermissionDenied, ServiceError
from .permissions import Actor, Permission, allowed, require
from .unit_of_work import use_case

KINDS = ("comment", "objection", "question")
MAX_BODY = 10_000
EDIT_MINUTES = 15


@dataclass(frozen=True)
class ConceptRef:
    """A concept of a taxonomy, by its id: its discussion goes on across versions."""

    slug: str
    concept_id: str


Subject = int | ConceptRef  # a proposal's id, or a concept


@dataclass
class Thread:
    first: Comment
    replies: list[Comment] = field(default_factory=list)


@dataclass
class Discussion:
    threads: list[Thread]
    can_comment: bool
    can_hide: bool
    resolvable: set[int]  # the threads (by first comment) the reader may mark resolved
    editable: set[int] = field(default_factory=set)  # the reader's comments still editable


def discussion(actor: Actor, subject: Subject) -> Discussion:
    """The subject's threads and what the reader may do with them."""
    found = threads(actor, subject)
    if isinstance(subject, int):
        agency = proposals.get(subject).agency_id
        resolvable = {t.first.id for t in found if _resolves(actor, agency)}
    else:
        resolvable = {t.first.id for t in found if _resolves(actor, t.first.agency_id)}
    return Discussion(
        found,
        can_comment=allowed(actor, Permission.COMMENT),
        can_hide=allowed(actor, Permission.MODERATE),
        resolvable=resolvable,
        editable={
            c.id
            for t in found
            for c in (t.first, *t.replies)
            if c.author_id == actor.id and c.hidden_reason is None and _recent(c)
        },
    )


def _recent(comment: Comment) -> bool:
    return utcnow() - as_utc(comment.created_at) <= timedelta(minutes=EDIT_MINUTES)


def _resolves(actor: Actor, agency_id: int | None) -> bool:
    return actor.role is Role.COORDINATOR or (
        actor.role is Role.REPRESENTATIVE and actor.agency_id == agency_id
    )


def _where(actor: Actor, subject: Subject) -> dict[str, object]:
    """The columns that name the subject, once the actor may read it (else NotFound)."""
    if isinstance(subject, int):
        proposal_views.view_allowed(actor, subject)
        return {"proposal_id": subject}
    require(actor, Permission.VIEW_TAXONOMY)
    # One indexed query, not the latest tree (700 ms to read at 100,000 concepts): an id
    # once published stays in every later version, active or retired.
    known = exists().where(
        ConceptRevision.taxonomy_id == Taxonomy.id,
        ConceptRevision.concept_id == subject.concept_id,
    )
    found = db.session.execute(
        select(Taxonomy.id, known).where(Taxonomy.slug == subject.slug)
    ).first()
    if found is None:
        taxonomies.get_taxonomy(subject.slug)  # raises NotFound, naming the taxonomy
    if found is None or not found[1]:
        raise NotFound(str(_l("No such concept.")))
    return {"taxonomy_id": found[0], "concept_id": subject.concept_id}


def _named(subject: Subject) -> str:
    """The subject as the audit log names it."""
    if isinstance(subject, int):
        return f"#{subject}"
    return f"{subject.slug}/{subject.concept_id}"


def threads(actor: Actor, subject: Subject) -> list[Thread]:
    """The subject's threads, oldest first, replies in order."""
    where = _where(actor, subject)
    rows = db.session.scalars(select(Comment).filter_by(**where).order_by(Comment.id))
    found: dict[int, Thread] = {}
    for comment in rows:
        if comment.parent_id is None:
            found[comment.id] = Thread(comment)
        elif comment.parent_id in found:
            found[comment.parent_id].replies.append(comment)
    return list(found.values())


@use_case(Permission.COMMENT)
def post(
    actor: Actor, subject: Subject, body: str, kind: str = "comment", reply_to: int | None = None
) -> Comment:
    where = _where(actor, subject)
    text = _checked(body)
    if kind not in KINDS:
        raise ServiceError(str(_l("Choose a kind of comment.")), field="kind")
    parent = None
    if reply_to is not None:
        parent = db.session.get(Comment, reply_to) if 0 < reply_to < 2**31 else None
        if parent is None or any(getattr(parent, k) != v for k, v in where.items()):
            raise NotFound(str(_l("No such comment.")))
        parent = db.session.get(Comment, parent.parent_id) if parent.parent_id else parent
    comment = Comment(
        **where,
        parent_id=parent.id if parent is not None else None,
        author_id=actor.id,
        agency_id=actor.agency_id,
        kind=kind,
        body=text,
    )
    db.session.add(comment)
    db.session.flush()
    audit.record(actor, "comment.posted", _named(subject), comment=comment.id, kind=kind)
    return comment


def body_of(actor: Actor, comment_id: int) -> str:
    """A comment's text, to be edited by its author."""
    comment = db.session.get(Comment, comment_id) if 0 < comment_id < 2**31 else None
    if comment is None or comment.author_id != actor.id:
        return ""
    return comment.body


def _checked(body: str) -> str:
    text = body.replace("\r\n", "\n").strip()
    if not text:
        raise ServiceError(str(_l("Write something first.")), field="body")
    if len(text) > MAX_BODY:
        raise ServiceError(
            str(_l("A comment has at most %(count)d characters.", count=MAX_BODY)), field="body"
        )
    return text


def _comment(comment_id: int) -> Comment:
    comment = db.session.get(Comment, comment_id) if 0 < comment_id < 2**31 else None
    if comment is None:
        raise NotFound(str(_l("No such comment.")))
    return comment


@use_case(Permission.COMMENT)
def edit(actor: Actor, comment_id: int, body: str) -> Comment:
    """Its author edits it within EDIT_MINUTES of posting; the text before is kept."""
    comment = _comment(comment_id)
    if comment.author_id != actor.id:
        raise PermissionDenied(str(_l("Only its author edits a comment.")))
    if not _recent(comment):
        raise ServiceError(
            str(_l("A comment can be edited for %(count)d minutes only.", count=EDIT_MINUTES)),
            field="body",
        )
    if comment.hidden_reason is not None:
        raise ServiceError(str(_l("A hidden comment cannot be edited.")))
    db.session.add(CommentEdit(comment_id=comment.id, body=comment.body))
    comment.body = _checked(body)
    comment.edited_at = utcnow()
    audit.record(actor, "comment.edited", _subject_of(comment), comment=comment.id)
    return comment


@use_case(Permission.MODERATE)
def hide(actor: Actor, comment_id: int, reason: str) -> Comment:
    comment = _comment(comment_id)
    reason = reason.strip()
    if not reason:
        raise ServiceError(str(_l("Say why the comment is hidden.")), field="reason")
    comment.hidden_reason = reason[:1000]
    comment.hidden_by_id = actor.id
    audit.record(actor, "comment.hidden", _subject_of(comment), comment=comment.id, reason=reason)
    return comment


@use_case(Permission.VIEW_PROPOSALS)
def resolve(actor: Actor, comment_id: int) -> Comment:
    """Mark a thread resolved: a coordinator, or the proposal's agency (for a concept's
    thread: the agency that started it)."""
    comment = _comment(comment_id)
    if comment.parent_id is not None:
        comment = _comment(comment.parent_id)
    if comment.proposal_id is not None:
        agency = proposals.get(comment.proposal_id).agency_id
    else:
        agency = comment.agency_id
    if not _resolves(actor, agency):
        raise PermissionDenied(str(_l("You are not allowed to do this.")))
    comment.resolved_by_id = actor.id
    audit.record(actor, "comment.resolved", _subject_of(comment), comment=comment.id)
    return comment


def subject_of(comment_id: int) -> Subject:
    """What a comment is about (for the page to go back to)."""
    comment = _comment(comment_id)
    if comment.proposal_id is not None:
        return comment.proposal_id
    taxonomy = db.session.get(Taxonomy, comment.taxonomy_id)
    assert taxonomy is not None and comment.concept_id is not None
    return ConceptRef(taxonomy.slug, comment.concept_id)


def _subject_of(comment: Comment) -> str:
    return _named(subject_of(comment.id))
