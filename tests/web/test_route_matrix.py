"""Every route answers every role (anonymous, observer, representative, coordinator) rightly."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import (
    Factory,
    IsolatedClient,
    app_config,
    create_people,
    publish_gov,
)
from tests.databases import empty_tables
from workshop import create_app
from workshop.models import User, db

ROLES = ("anonymous", "observer", "representative", "coordinator")
SIGN_IN = 302  # anonymous users are sent to the sign-in page

# (method, rule, path, data, expected status per role in ROLES order)
MATRIX = [
    ("GET", "/", "/", None, (SIGN_IN, 200, 200, 200)),
    ("GET", "/login", "/login", None, (200, 302, 302, 302)),
    ("POST", "/login", "/login", {"username": "x"}, (422, 302, 302, 302)),
    ("POST", "/logout", "/logout", {}, (SIGN_IN, 303, 303, 303)),
    ("GET", "/profile", "/profile", None, (SIGN_IN, 200, 200, 200)),
    ("POST", "/profile", "/profile", {}, (SIGN_IN, 422, 422, 422)),
    ("GET", "/agencies", "/agencies", None, (SIGN_IN, 200, 200, 200)),
    ("GET", "/lang/<code>", "/lang/en", None, (303, 303, 303, 303)),
    ("GET", "/healthz", "/healthz", None, (200, 200, 200, 200)),
    ("GET", "/admin/accounts", "/admin/accounts", None, (SIGN_IN, 403, 403, 200)),
    (
        "POST",
        "/admin/accounts",
        "/admin/accounts",
        {"username": "new-obs", "display_name": "مراقب جديد", "role": "observer", "agency": ""},
        (SIGN_IN, 403, 403, 200),
    ),
    (
        "GET",
        "/admin/accounts/<int:user_id>/<any(deactivate, activate, reset):action>",
        "/admin/accounts/{target}/reset",
        None,
        (SIGN_IN, 403, 403, 200),
    ),
    (
        "POST",
        "/admin/accounts/<int:user_id>/<any(deactivate, activate):action>",
        "/admin/accounts/{target}/deactivate",
        {},
        (SIGN_IN, 403, 403, 303),
    ),
    (
        "POST",
        "/admin/accounts/<int:user_id>/reset",
        "/admin/accounts/{target}/reset",
        {},
        (SIGN_IN, 403, 403, 200),
    ),
    ("GET", "/admin/accounts/import", "/admin/accounts/import", None, (SIGN_IN, 403, 403, 200)),
    ("POST", "/admin/accounts/import", "/admin/accounts/import", {}, (SIGN_IN, 403, 403, 422)),
    ("GET", "/admin/tokens", "/admin/tokens", None, (SIGN_IN, 403, 403, 200)),
    ("POST", "/admin/tokens", "/admin/tokens", {"name": "directory"}, (SIGN_IN, 403, 403, 200)),
    (
        "GET",
        "/admin/tokens/<int:token_id>/revoke",
        "/admin/tokens/99999/revoke",
        None,
        (SIGN_IN, 403, 403, 404),
    ),
    (
        "POST",
        "/admin/tokens/<int:token_id>/revoke",
        "/admin/tokens/99999/revoke",
        {},
        (SIGN_IN, 403, 403, 404),
    ),
    # taxonomies
    ("GET", "/taxonomies/", "/taxonomies/", None, (SIGN_IN, 200, 200, 200)),
    ("GET", "/taxonomies/<slug>/", "/taxonomies/gov/", None, (SIGN_IN, 200, 200, 200)),
    ("GET", "/taxonomies/<slug>/v/<ref>/", "/taxonomies/gov/v/2/", None, (SIGN_IN, 200, 200, 200)),
    (
        "GET",
        "/taxonomies/<slug>/v/<ref>/children",
        "/taxonomies/gov/v/1/children?parent=health",
        None,
        (SIGN_IN, 200, 200, 200),
    ),
    (
        "GET",
        "/taxonomies/<slug>/v/<ref>/concepts/<path:concept_id>",
        "/taxonomies/gov/v/2/concepts/clinics",
        None,
        (SIGN_IN, 200, 200, 200),
    ),
    (
        "GET",
        "/taxonomies/<slug>/v/<ref>/search",
        "/taxonomies/gov/v/2/search?q=schools",
        None,
        (SIGN_IN, 200, 200, 200),
    ),
    (
        "GET",
        "/taxonomies/<slug>/diff",
        "/taxonomies/gov/diff?a=1&b=2",
        None,
        (SIGN_IN, 200, 200, 200),
    ),
    (
        "GET",
        "/taxonomies/<slug>/v/<ref>/export.<fmt>",
        "/taxonomies/gov/v/2/export.json",
        None,
        (SIGN_IN, 200, 200, 200),
    ),
    ("GET", "/taxonomies/import/", "/taxonomies/import/", None, (SIGN_IN, 403, 403, 200)),
    ("POST", "/taxonomies/import/", "/taxonomies/import/", {}, (SIGN_IN, 403, 403, 422)),
    (
        "GET",
        "/taxonomies/import/<token>",
        "/taxonomies/import/expired-token",
        None,
        (SIGN_IN, 403, 403, 404),
    ),
    (
        "POST",
        "/taxonomies/import/<token>",
        "/taxonomies/import/expired-token",
        {},
        (SIGN_IN, 403, 403, 404),
    ),
    (
        "GET",
        "/taxonomies/import/<token>/findings.csv",
        "/taxonomies/import/expired-token/findings.csv",
        None,
        (SIGN_IN, 403, 403, 404),
    ),
    # proposals: the representative is of the proposal's agency; "0" is a stale revision
    ("GET", "/proposals/", "/proposals/", None, (SIGN_IN, 200, 200, 200)),
    ("GET", "/proposals/new", "/proposals/new", None, (SIGN_IN, 403, 200, 200)),
    ("POST", "/proposals/new", "/proposals/new", {}, (SIGN_IN, 403, 422, 422)),
    (
        "GET",
        "/proposals/<int:proposal_id>",
        "/proposals/{proposal}",
        None,
        (SIGN_IN, 200, 200, 200),
    ),
    (
        "GET",
        "/proposals/<int:proposal_id>/pick",
        "/proposals/{proposal}/pick?field=parent&op=add&q=health",
        None,
        (SIGN_IN, 403, 200, 200),  # the picker is the composer's: observers do not propose
    ),
    (
        "POST",
        "/proposals/<int:proposal_id>/changes",
        "/proposals/{proposal}/changes",
        {"revision": "0", "op": "relabel", "concept": "health", "label_en": "Care"},
        (SIGN_IN, 403, 422, 422),
    ),
    (
        "POST",
        "/proposals/<int:proposal_id>/changes/<int:index>/remove",
        "/proposals/{proposal}/changes/0/remove",
        {"revision": "0"},
        (SIGN_IN, 403, 303, 303),
    ),
    (
        "POST",
        "/proposals/<int:proposal_id>/changes/<int:index>/earlier",
        "/proposals/{proposal}/changes/0/earlier",
        {"revision": "0"},
        (SIGN_IN, 403, 303, 303),
    ),
    (
        "POST",
        "/proposals/<int:proposal_id>/rebase",
        "/proposals/{proposal}/rebase",
        {"revision": "0"},
        (SIGN_IN, 403, 303, 303),
    ),
    (
        "POST",
        "/proposals/<int:proposal_id>/file",
        "/proposals/{proposal}/file",
        {"revision": "0"},  # no file: back to the page, with the message
        (SIGN_IN, 303, 303, 303),
    ),
    (
        "POST",
        "/proposals/<int:proposal_id>/file/<token>",
        "/proposals/{proposal}/file/no-such-upload",
        {"revision": "0", "new-0": "x", "pair-0": "dental"},  # stale: back to the page
        (SIGN_IN, 403, 303, 303),
    ),
    (
        "POST",
        "/proposals/<int:proposal_id>/edit",
        "/proposals/{proposal}/edit",
        {"revision": "0", "title": "t", "rationale": "r"},
        (SIGN_IN, 403, 422, 422),
    ),
    (
        "POST",
        "/proposals/<int:proposal_id>/status/<target>",
        "/proposals/{proposal}/status/merged",  # only a publication merges
        {"revision": "0"},
        (SIGN_IN, 403, 403, 403),
    ),
    (
        "GET",
        "/proposals/<int:proposal_id>/comments",
        "/proposals/{proposal}/comments",
        None,
        (SIGN_IN, 303, 303, 303),  # a browser is sent to the page; htmx gets the fragment
    ),
    (
        "POST",
        "/proposals/<int:proposal_id>/comments",
        "/proposals/{proposal}/comments",
        {"body": "رأي", "kind": "comment"},
        (SIGN_IN, 403, 303, 303),
    ),
    (
        "POST",
        "/comments/<int:comment_id>/edit",
        "/comments/{comment}/edit",
        {"body": "تعديل"},
        (SIGN_IN, 403, 403, 303),  # only its author (the coordinator) edits it
    ),
    (
        "POST",
        "/comments/<int:comment_id>/hide",
        "/comments/{comment}/hide",
        {"reason": "خارج الموضوع"},
        (SIGN_IN, 403, 403, 303),
    ),
    (
        "POST",
        "/comments/<int:comment_id>/resolve",
        "/comments/{comment}/resolve",
        {},
        (SIGN_IN, 403, 303, 303),
    ),
    (
        "GET",
        "/taxonomies/<slug>/discussion/<path:concept_id>",
        "/taxonomies/gov/discussion/dental",
        None,
        (SIGN_IN, 303, 303, 303),  # a browser is sent to the concept's page
    ),
    (
        "POST",
        "/taxonomies/<slug>/discussion/<path:concept_id>",
        "/taxonomies/gov/discussion/dental",
        {"body": "سؤال عن المفهوم", "kind": "question"},
        (SIGN_IN, 403, 303, 303),
    ),
    (
        "GET",
        "/workshops/",
        "/workshops/",
        None,
        (SIGN_IN, 200, 200, 200),
    ),
    (
        "GET",
        "/workshops/new",
        "/workshops/new",
        None,
        (SIGN_IN, 403, 403, 200),
    ),
    (
        "POST",
        "/workshops/new",
        "/workshops/new",
        {},
        (SIGN_IN, 403, 403, 422),
    ),
    (
        "GET",
        "/workshops/join",
        "/workshops/join",
        None,
        (SIGN_IN, 200, 200, 200),
    ),
    (
        "GET",
        "/workshops/<int:workshop_id>",
        "/workshops/{workshop}",
        None,
        (SIGN_IN, 200, 200, 200),  # the ballot panel
    ),
    (
        "GET",
        "/workshops/<int:workshop_id>/console",
        "/workshops/{workshop}/console",
        None,
        (SIGN_IN, 403, 403, 200),
    ),
    (
        "GET",
        "/workshops/<int:workshop_id>/projector",
        "/workshops/{workshop}/projector",
        None,
        (SIGN_IN, 200, 200, 200),
    ),
    (
        "GET",
        "/workshops/<int:workshop_id>/live/<screen>",
        "/workshops/{workshop}/live/projector",
        None,
        (SIGN_IN, 303, 303, 303),  # a browser is sent to the page; htmx polls it
    ),
    (
        "POST",
        "/workshops/<int:workshop_id>/ballot",
        "/workshops/{workshop}/ballot",
        {"round": "0", "choice": "approve"},
        (SIGN_IN, 403, 409, 403),  # no vote is open: too late
    ),
    (
        "POST",
        "/workshops/<int:workshop_id>/roll-call",
        "/workshops/{workshop}/roll-call",
        {},
        (SIGN_IN, 403, 403, 303),
    ),
    (
        "POST",
        "/workshops/<int:workshop_id>/items",
        "/workshops/{workshop}/items",
        {"proposal": "0"},
        (SIGN_IN, 403, 403, 303),  # refused with a message
    ),
    (
        "POST",
        "/workshops/<int:workshop_id>/items/<int:item_id>/<any(earlier, later):step>",
        "/workshops/{workshop}/items/0/earlier",
        {},
        (SIGN_IN, 403, 403, 303),
    ),
    (
        "POST",
        "/workshops/<int:workshop_id>/items/<int:item_id>/open",
        "/workshops/{workshop}/items/0/open",
        {},
        (SIGN_IN, 403, 403, 303),
    ),
    (
        "POST",
        "/workshops/<int:workshop_id>/items/<int:item_id>/reopen",
        "/workshops/{workshop}/items/0/reopen",
        {"reason": "خطأ"},
        (SIGN_IN, 403, 403, 303),
    ),
    (
        "POST",
        "/workshops/<int:workshop_id>/items/<int:item_id>/send-back",
        "/workshops/{workshop}/items/0/send-back",
        {},
        (SIGN_IN, 403, 403, 303),
    ),
    (
        "POST",
        "/workshops/<int:workshop_id>/rounds/<int:round_id>/close",
        "/workshops/{workshop}/rounds/0/close",
        {},
        (SIGN_IN, 403, 403, 303),
    ),
    (
        "POST",
        "/workshops/<int:workshop_id>/rounds/<int:round_id>/extend",
        "/workshops/{workshop}/rounds/0/extend",
        {},
        (SIGN_IN, 403, 403, 303),
    ),
    (
        "GET",
        "/workshops/<int:workshop_id>/minutes",
        "/workshops/{workshop}/minutes",
        None,
        (SIGN_IN, 200, 200, 200),
    ),
    (
        "GET",
        "/workshops/<int:workshop_id>/cards",
        "/workshops/{workshop}/cards",
        None,
        (SIGN_IN, 403, 403, 200),
    ),
    (
        "POST",
        "/workshops/<int:workshop_id>/cards",
        "/workshops/{workshop}/cards",
        {},
        (SIGN_IN, 403, 403, 200),  # the cards, shown once
    ),
    ("GET", "/taxonomies/<slug>/merge", "/taxonomies/gov/merge", None, (SIGN_IN, 403, 403, 200)),
    (
        "POST",
        "/taxonomies/<slug>/merge/build",
        "/taxonomies/gov/merge/build",
        {},
        (SIGN_IN, 403, 403, 303),  # nothing approved: told so
    ),
    (
        "POST",
        "/taxonomies/<slug>/merge/<int:candidate_id>/hold-back",
        "/taxonomies/gov/merge/0/hold-back",
        {"proposal": "1", "reason": "لاحقا"},
        (SIGN_IN, 403, 403, 404),
    ),
    (
        "POST",
        "/taxonomies/<slug>/merge/<int:candidate_id>/publish",
        "/taxonomies/gov/merge/0/publish",
        {},
        (SIGN_IN, 403, 403, 404),
    ),
    (
        "POST",
        "/taxonomies/<slug>/versions/<int:number>/revert",
        "/taxonomies/gov/versions/2/revert",
        {},
        (SIGN_IN, 403, 403, 303),  # no reason: told so, nothing published
    ),
    (
        "GET",
        "/taxonomies/<slug>/versions/<int:number>/changelog",
        "/taxonomies/gov/versions/2/changelog",
        None,
        (SIGN_IN, 200, 200, 200),
    ),
    (
        "GET",
        "/taxonomies/<slug>/versions/<int:number>/crosswalk",
        "/taxonomies/gov/versions/2/crosswalk",
        None,
        (SIGN_IN, 200, 200, 200),
    ),
    (
        "GET",
        "/taxonomies/<slug>/versions/<int:number>/document",
        "/taxonomies/gov/versions/2/document",
        None,
        (SIGN_IN, 200, 200, 200),
    ),
    # the read API: a session or a token; anonymous callers get 401
    (
        "GET",
        "/api/v1/taxonomies/<slug>/versions/<int:number>/changelog",
        "/api/v1/taxonomies/gov/versions/2/changelog",
        None,
        (401, 200, 200, 200),
    ),
    (
        "GET",
        "/api/v1/taxonomies/<slug>/versions/<int:number>/crosswalk",
        "/api/v1/taxonomies/gov/versions/2/crosswalk",
        None,
        (401, 200, 200, 200),
    ),
    (
        "GET",
        "/api/v1/taxonomies/<slug>/versions/<int:number>/document",
        "/api/v1/taxonomies/gov/versions/2/document",
        None,
        (401, 200, 200, 200),
    ),
    (
        "GET",
        "/api/v1/workshops/<int:workshop_id>/minutes",
        "/api/v1/workshops/{workshop}/minutes",
        None,
        (401, 200, 200, 200),
    ),
    ("GET", "/api/v1/proposals", "/api/v1/proposals", None, (401, 200, 200, 200)),
    (
        "GET",
        "/api/v1/proposals/<int:proposal_id>",
        "/api/v1/proposals/{proposal}",
        None,
        (401, 200, 200, 200),
    ),
    ("GET", "/api/v1/openapi.json", "/api/v1/openapi.json", None, (200, 200, 200, 200)),
    ("GET", "/api/v1/taxonomies", "/api/v1/taxonomies", None, (401, 200, 200, 200)),
    (
        "GET",
        "/api/v1/taxonomies/<slug>/versions",
        "/api/v1/taxonomies/gov/versions",
        None,
        (401, 200, 200, 200),
    ),
    (
        "GET",
        "/api/v1/taxonomies/<slug>/versions/<ref>",
        "/api/v1/taxonomies/gov/versions/2",
        None,
        (401, 200, 200, 200),
    ),
    (
        "GET",
        "/api/v1/taxonomies/<slug>/versions/<a>/diff/<b>",
        "/api/v1/taxonomies/gov/versions/1/diff/2",
        None,
        (401, 200, 200, 200),
    ),
    (
        "GET",
        "/api/v1/taxonomies/<slug>/concepts/<path:concept_id>",
        "/api/v1/taxonomies/gov/concepts/clinics?version=1",
        None,
        (401, 200, 200, 200),
    ),
]

CASES = [
    pytest.param(method, path, data, role, expected[i], id=f"{method} {path} as {role}")
    for method, _rule, path, data, expected in MATRIX
    for i, role in enumerate(ROLES)
]


@pytest.fixture(scope="module")
def hall(database_url, tmp_path_factory, password_hash) -> Iterator[Hall]:
    """One app, its people and two published versions, shared by every case of the matrix
    (building them per case cost most of the suite's time). The writes that cases make (an
    account created, another deactivated and reset, a token) touch nothing another case
    reads; the tables are emptied when the module is done."""
    app = create_app(app_config(database_url, tmp_path_factory.mktemp("instance")))
    app.test_client_class = IsolatedClient
    with app.app_context():
        people = create_people(Factory(password_hash))
        publish_gov()
        ids = {role: user.id for role, user in people.items()}
        proposal = open_proposal(people["representative"])
        from workshop.services import comments

        comment = comments.post(people["coordinator"], proposal, "سؤال", "question").id
        from datetime import date

        from workshop.services import workshops

        workshop = workshops.create(
            people["coordinator"],
            workshops.Setting("gov", "ورشة", "Workshop", date(2026, 12, 1)),
        ).id
        yield Hall(app, ids, proposal, comment, workshop)
        db.session.remove()
        empty_tables(db.engine, db.metadata)
        db.engine.dispose()


def open_proposal(author: User) -> int:
    """A proposal of the representative's agency, open for discussion, with one change."""
    from workshop.services import proposals

    proposal = proposals.create(author, "gov", "الأسنان", "أوضح")
    proposals.add_change(
        author, proposal.id, 1, {"op": "relabel", "id": "dental", "labels": {"en": "Teeth"}}
    )
    proposals.move(author, proposal.id, "open")
    return proposal.id


@dataclass(frozen=True)
class Hall:
    app: Flask
    user_ids: dict[str, int]
    proposal_id: int
    comment_id: int
    workshop_id: int

    def client_of(self, role: str) -> FlaskClient:
        """A fresh client signed in as the role's user (anonymous: signed out)."""
        client = self.app.test_client()
        if role != "anonymous":
            with self.app.app_context():  # (a sign-out in an earlier case raised the epoch)
                session_id = db.session.get(User, self.user_ids[role]).get_id()
            with client.session_transaction() as session:
                session["_user_id"] = session_id
                session["_fresh"] = True
        return client


@pytest.mark.parametrize(("method", "path", "data", "role", "status"), CASES)
def test_route_answers_role(hall, method, path, data, role, status):
    url = path.format(
        target=hall.user_ids["other_representative"],
        proposal=hall.proposal_id,
        comment=hall.comment_id,
        workshop=hall.workshop_id,
    )
    response = hall.client_of(role).open(url, method=method, data=data)
    assert response.status_code == status, response.text[:500]
    if status == 403:
        assert "غير مخوّل" in response.text or "غير مسموح" in response.text
    if path.startswith("/api/") and status >= 400:
        assert response.is_json and response.json["status"] == status


def test_the_matrix_covers_every_route(hall):
    covered = {(method, rule) for method, rule, *_ in MATRIX}
    for rule in hall.app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (method, rule.rule) in covered, f"{method} {rule.rule} is not in the matrix"
