"""A workshop's minutes (page and JSON) and its sign-in cards."""

from __future__ import annotations

import re

from werkzeug.security import check_password_hash

from tests.web.test_voting import open_proposal, workshop_with
from workshop.models import AuditEntry, User, db
from workshop.services import proposals, voting, workshops


def _voted(people, **options) -> tuple[int, int]:
    coordinator = people["coordinator"]
    workshop_id, item_id = workshop_with(
        coordinator, open_proposal(people["representative"]), **options
    )
    present = {s.agency_id: ("present", "") for s in workshops.get(workshop_id).seats}
    workshops.roll_call(coordinator, workshop_id, present)
    round_id = voting.open_round(coordinator, item_id).id
    voting.cast(people["representative"], round_id, "approve")
    voting.cast(people["other_representative"], round_id, "reject", "التسمية غير دقيقة")
    return workshop_id, round_id


def test_the_minutes_show_attendance_rounds_ballots_and_objections(
    client, people, published, sign_in
):
    workshop_id, round_id = _voted(people)
    sign_in("observer")
    while_open = client.get(f"/workshops/{workshop_id}/minutes").text
    assert "التسمية غير دقيقة" not in while_open  # nobody's choice before close
    assert "صوّتت 2 من 2" in while_open
    voting.close(people["coordinator"], round_id)
    page = client.get(f"/workshops/{workshop_id}/minutes").text
    assert "وزارة التربية" in page and "التسمية غير دقيقة" in page
    assert re.search(r"<td><bdi>وزارة الصحة</bdi></td><td>موافقة</td>", page)
    assert "رُفض" in page  # 1 to 1 is a tie: it fails
    record = client.get(f"/api/v1/workshops/{workshop_id}/minutes").get_json()
    assert record["workshop"]["title"] == {"ar": "ورشة التصنيف", "en": "Taxonomy workshop"}
    assert [a["attendance"] for a in record["attendance"]] == ["present", "present"]
    [item] = record["items"]
    [first] = item["rounds"]
    assert first["outcome"]["result"] == "tie" and first["cast"] == 2
    assert {(b["agency"], b["choice"]) for b in first["ballots"]} == {
        ("MOH", "approve"),
        ("MOE", "reject"),
    }
    assert first["objections"] == ["التسمية غير دقيقة"]
    assert first["rule"]["en"].startswith("passes with at least 2/3")


def test_the_minutes_of_a_secret_vote_keep_only_who_took_part(client, people, published, sign_in):
    workshop_id, round_id = _voted(people, secret=True)
    voting.close(people["coordinator"], round_id)
    sign_in("coordinator")
    page = client.get(f"/workshops/{workshop_id}/minutes").text
    assert "موافقة</td>" not in page and "اقتراع سري" in page
    [item] = client.get(f"/api/v1/workshops/{workshop_id}/minutes").get_json()["items"]
    assert item["rounds"][0]["ballots"] == [] and item["rounds"][0]["cast"] == 2


def test_cards_go_to_representatives_without_their_own_password(client, people, published, sign_in):
    workshop_id, _item = workshop_with(
        people["coordinator"], open_proposal(people["representative"])
    )
    newcomer, settled = people["representative"], people["other_representative"]
    newcomer.must_change_password = True
    settled_hash = settled.password_hash
    db.session.commit()
    sign_in("coordinator")
    page = client.get(f"/workshops/{workshop_id}/cards").text
    assert "عدد البطاقات: 1." in page
    before = db.session.query(AuditEntry).count()
    cards = client.post(f"/workshops/{workshop_id}/cards", data={}).text
    [password] = re.findall(r'class="mono">([0-9A-Za-z]{4}-[0-9A-Za-z]{4}-[0-9A-Za-z]{4})<', cards)
    assert workshops.get(workshop_id).join_code in cards
    db.session.expire_all()
    assert check_password_hash(db.session.get(User, newcomer.id).password_hash, password)
    assert db.session.get(User, settled.id).password_hash == settled_hash
    assert db.session.query(AuditEntry).count() == before + 1


def test_the_record_pages_in_arabic_are_fully_translated(client, people, published, sign_in):
    from tests.web.test_languages import untranslated_words

    workshop_id, round_id = _voted(people)
    voting.close(people["coordinator"], round_id)
    sign_in("coordinator")
    for path in (f"/workshops/{workshop_id}/minutes", f"/workshops/{workshop_id}/cards"):
        page = client.get(path).text
        assert untranslated_words(page) == set(), path


def test_the_minutes_take_as_many_queries_for_four_items_as_for_one(people, published):
    from sqlalchemy import event

    from workshop.services import minutes

    coordinator = people["coordinator"]

    def counted(workshop_id: int) -> int:
        statements: list[str] = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        db.session.expire_all()
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            minutes.of(people["observer"], workshop_id).record()
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(statements)

    one, _round = _voted(people)
    many = workshops.create(
        coordinator,
        workshops.Setting("gov", "ورشة كبيرة", "Big workshop", workshops.get(one).held_on),
    )
    present = {s.agency_id: ("present", "") for s in many.seats}
    workshops.roll_call(coordinator, many.id, present)
    for n in range(4):
        author = people["representative"]
        proposal = proposals.create(author, "gov", f"مقترح {n}", "لأن")
        proposals.add_change(
            author, proposal.id, 1, {"op": "relabel", "id": "dental", "labels": {"en": f"T{n}"}}
        )
        proposals.move(author, proposal.id, "open")
        item = workshops.add_item(coordinator, many.id, proposal.id)
        round_id = voting.open_round(coordinator, item.id).id
        voting.cast(people["representative"], round_id, "approve")
        voting.cast(people["other_representative"], round_id, "reject", f"سبب {n}")
        voting.close(coordinator, round_id)
    assert counted(many.id) == counted(one)
