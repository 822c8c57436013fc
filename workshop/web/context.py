"""Names and helpers every template may use."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from flask import Flask
from flask_babel import format_datetime, get_locale
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from ..services.differences import kind_of
from ..services.permissions import Permission, Role, allowed
from ..taxonomy import details, language_name
from .readers import reader

ROLE_NAMES = {
    Role.COORDINATOR: _l("Coordinator"),
    Role.REPRESENTATIVE: _l("Representative"),
    Role.OBSERVER: _l("Observer"),
}
ACTION_NAMES = {
    "auth.sign_in": _l("signed in"),
    "auth.sign_out": _l("signed out"),
    "account.created": _l("account created"),
    "account.imported": _l("account imported"),
    "account.activated": _l("account activated"),
    "account.deactivated": _l("account deactivated"),
    "account.password_reset": _l("password reset"),
    "account.password_changed": _l("password changed"),
    "demo.seeded": _l("demo data added"),
    "taxonomy.published": _l("version published"),
    "token.created": _l("API token created"),
    "token.revoked": _l("API token revoked"),
    "auth.sign_in_failed": _l("failed sign-in"),
    "proposal.created": _l("proposal created"),
    "proposal.edited": _l("proposal edited"),
    "proposal.change_added": _l("change added to a proposal"),
    "proposal.change_removed": _l("change removed from a proposal"),
    "proposal.change_moved": _l("changes of a proposal reordered"),
    "proposal.status": _l("proposal status changed"),
    "proposal.rebased": _l("proposal brought up to date"),
    "proposal.file_added": _l("changes from a file added to a proposal"),
    "comment.posted": _l("comment posted"),
    "comment.edited": _l("comment edited"),
    "comment.hidden": _l("comment hidden"),
    "comment.resolved": _l("discussion thread resolved"),
    "workshop.created": _l("workshop created"),
    "workshop.status": _l("workshop status changed"),
    "workshop.roll_call": _l("roll call"),
    "workshop.item_added": _l("proposal put on the agenda"),
    "workshop.item_moved": _l("agenda reordered"),
    "workshop.sent_back": _l("proposal sent back for amendment"),
    "workshop.cards_issued": _l("sign-in cards made"),
    "round.opened": _l("vote opened"),
    "round.reopened": _l("vote reopened"),
    "round.extended": _l("vote extended"),
    "round.closed": _l("vote closed"),
    "ballot.cast": _l("ballot cast"),
    "candidate.built": _l("merge candidate built"),
    "candidate.held_back": _l("proposal held back at the merge"),
    "candidate.published": _l("merge candidate published"),
    "taxonomy.reverted": _l("version undone by a new one"),
}

PROPOSAL_STATUSES = {
    "draft": _l("Draft"),
    "open": _l("Open for discussion"),
    "voting": _l("Being voted on"),
    "approved": _l("Approved"),
    "rejected": _l("Rejected"),
    "merged": _l("Merged"),
    "withdrawn": _l("Withdrawn"),
    "superseded": _l("Superseded"),
}
# The button that moves a proposal to a status.
STATUS_ACTIONS = {
    "draft": _l("Take up again as a draft"),
    "open": _l("Submit for discussion"),
    "voting": _l("Put to the vote"),
    "approved": _l("Record as approved"),
    "rejected": _l("Record as rejected"),
    "withdrawn": _l("Withdraw"),
    "superseded": _l("Mark as superseded"),
}
COMPOSER_ACTIONS = {
    "add": _l("Add a concept"),
    "relabel": _l("Relabel"),
    "move": _l("Move"),
    "retire": _l("Retire"),
    "merge": _l("Merge into another"),
}
PREVIEW_MARKS = {
    "added": _l("new"),
    "relabelled": _l("relabelled"),
    "moved": _l("moved here"),
    "retired": _l("retired"),
    "receives": _l("receives a merge"),
}
WORKSHOP_STATUSES = {"planned": _l("Planned"), "live": _l("Live"), "closed": _l("Closed")}
ITEM_STATUSES = {
    "waiting": _l("Waiting"),
    "voting": _l("Being voted on"),
    "decided": _l("Decided"),
    "sent_back": _l("Sent back for amendment"),
}
ATTENDANCE = {
    "unknown": _l("Not yet called"),
    "present": _l("Present"),
    "absent": _l("Absent"),
    "alternate": _l("Represented by an alternate"),
}
CHOICES = {"approve": _l("Approve"), "reject": _l("Reject"), "abstain": _l("Abstain")}
COMMENT_KINDS = {"objection": _l("Objection"), "question": _l("Question")}
OVERLAP_KINDS = {
    "same": _l("touches the same concept"),
    "inside": _l("changes a concept above this one's"),
    "around": _l("changes a concept under this one's"),
}

# Finding kinds, as a heading for the group of findings of that kind.
FINDING_KINDS = {
    "duplicate_id": _l("Ids used more than once"),
    "cycle": _l("Cycles"),
    "dangling_parent": _l("Parents that do not exist"),
    "parent_retired": _l("Parents that are retired"),
    "dangling_reference": _l("Links to concepts that do not exist"),
    "duplicate_iri": _l("IRIs used more than once"),
    "no_label": _l("Concepts without any label"),
    "duplicate_label": _l("Siblings with the same label"),
    "missing_language": _l("Missing labels in a required language"),
    "unprintable_label": _l("Invisible control characters"),
    "empty_file": _l("Empty file"),
    "invalid_encoding": _l("Not UTF-8 text"),
    "wrong_header": _l("Missing columns"),
    "bad_language": _l("Columns that do not name a language"),
    "id_too_long": _l("Ids that are too long"),
    "nul_character": _l("NUL characters"),
    "bad_value": _l("Values that are not valid"),
    "bad_file": _l("Unreadable file"),
    "too_many_rows": _l("Files over a limit"),
    "too_many_concepts": _l("Files over a limit"),
    "too_many_columns": _l("Files over a limit"),
    "cell_too_long": _l("Files over a limit"),
    "too_many_cells": _l("Files over a limit"),
    "too_large_unzipped": _l("Files over a limit"),
    "too_deep": _l("Files over a limit"),
    "bad_ids": _l("Ids that cannot be taken as asked"),
    "several_parents": _l("Concepts with several broader concepts"),
    "promoted_from_retired": _l("Concepts moved up from a retired parent"),
    "promoted_to_top": _l("Concepts moved up from a retired parent"),
    **dict.fromkeys(
        [
            f"schema_{rule}"
            for rule in (
                "required",
                "additionalProperties",
                "type",
                "enum",
                "const",
                "minLength",
                "maxLength",
                "pattern",
                "minimum",
                "other",
            )
        ],
        _l("Parts that do not follow the format"),
    ),
    "outside_link": _l("Related links to concepts outside the file"),
    "outside_parent": _l("Broader concepts outside the file"),
    "several_texts": _l("Several labels or notes in one language"),
    "several_schemes": _l("Several concept schemes"),
    "unkept_property": _l("Properties this tool does not keep"),
    "ids_prefixed": _l("Ids prefixed with their table's name"),
    "crosswalk_unknown": _l("Correspondences to unknown codes"),
    "crosswalk_split": _l("Codes split into several"),
    "text": _l("Problems"),
}

NOTE_KINDS = {
    "definition": _l("Definition"),
    "example": _l("Example"),
    "historyNote": _l("History"),
    "editorialNote": _l("Editorial note"),
    "changeNote": _l("Change note"),
    "note": _l("Note"),
}
MATCH_KINDS = {
    "exact": _l("Same as, in another scheme"),
    "close": _l("Close to, in another scheme"),
    "broad": _l("Broader, in another scheme"),
    "narrow": _l("Narrower, in another scheme"),
    "related": _l("Related, in another scheme"),
}

CHANGE_KINDS = {
    "add": _l("Added"),
    "relabel": _l("Relabelled"),
    "move": _l("Moved"),
    "reorder": _l("Reordered"),
    "retire": _l("Retired"),
    "annotate": _l("Details changed"),
    "reinstate": _l("Brought back"),
    "merge": _l("Merged"),
}
DETAIL_FIELDS = {
    "alt_labels": _l("synonyms"),
    "hidden_labels": _l("search variants"),
    "notations": _l("codes"),
    "related": _l("related concepts"),
    "mappings": _l("links to other schemes"),
    "other_notes": _l("other notes"),
    "iri": _l("IRI"),
}


URL = re.compile(r"https?://[^\s<>\"']+[^\s<>\"'.,;:!?)\]]")


def linkify(text: str) -> Markup:
    """Plain text as HTML: escaped, line breaks kept (by CSS), web addresses as links that
    pass no ranking and no window to the page they open."""
    escaped = str(escape(text))
    return Markup(
        URL.sub(
            lambda m: f'<a href="{m.group(0)}" rel="nofollow noopener noreferrer">{m.group(0)}</a>',
            escaped,
        )
    )


def local_time(moment: datetime | None, style: str = "medium") -> Markup:
    """A stored (UTC) time in the workshop's zone, with the zone shown, in a <time>."""
    if moment is None:
        return Markup("-")
    aware = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment
    zone = format_datetime(aware, "ZZZZ")  # "GMT+03:00", in the interface language
    return Markup('<time datetime="{}">{} <span class="zone">{}</span></time>').format(
        aware.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        format_datetime(aware, style),
        zone,
    )


def init_app(app: Flask) -> None:
    app.add_template_filter(linkify)

    @app.context_processor
    def helpers() -> dict[str, Any]:
        return {
            "current_locale": lambda: str(get_locale() or app.config["BABEL_DEFAULT_LOCALE"]),
            "can": lambda permission: allowed(reader(), Permission(permission)),
            "role_name": lambda role: ROLE_NAMES[Role(role)],
            "action_name": lambda action: ACTION_NAMES.get(action, action),
            "finding_kind": lambda rule: FINDING_KINDS.get(rule, rule),
            "note_kind": lambda kind: NOTE_KINDS.get(kind, kind),
            "match_kind": lambda kind: MATCH_KINDS.get(kind, kind),
            "field_name": lambda field: DETAIL_FIELDS.get(field, field),
            "detail_text": details.detail_text,
            "local_time": local_time,
            "kind_of": kind_of,
            "change_name": lambda kind: CHANGE_KINDS.get(kind, kind),
            "status_name": lambda status: PROPOSAL_STATUSES.get(status, status),
            "status_action": lambda status: STATUS_ACTIONS.get(status, status),
            "composer_action": lambda op: COMPOSER_ACTIONS.get(op, op),
            "preview_mark": lambda mark: PREVIEW_MARKS.get(mark, mark),
            "workshop_status": lambda status: WORKSHOP_STATUSES.get(status, status),
            "item_status": lambda status: ITEM_STATUSES.get(status, status),
            "attendance_name": lambda mark: ATTENDANCE.get(mark, mark),
            "choice_name": lambda choice: CHOICES.get(choice, choice),
            "overlap_kind": lambda kind: OVERLAP_KINDS.get(kind, kind),
            "comment_kind": lambda kind: COMMENT_KINDS.get(kind, kind),
            "language_name": lambda code: language_name(
                code, str(get_locale() or app.config["BABEL_DEFAULT_LOCALE"])
            ),
        }
