"""Coordinators create, deactivate, reset and import accounts."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import func, select

from workshop.models import AuditEntry, Role, User, db


def count_users() -> int:
    return db.session.scalar(select(func.count()).select_from(User))


def test_a_coordinator_creates_a_representative_with_a_one_time_password(client, sign_in, people):
    sign_in("coordinator")
    response = client.post(
        "/admin/accounts",
        data={
            "username": "Rep-MOH-2",
            "display_name": "  فاطمة الصباح ",
            "role": "representative",
            "agency": "MOH",
        },
    )
    assert response.status_code == 200
    user = db.session.scalar(select(User).where(User.username == "rep-moh-2"))
    assert user.display_name == "فاطمة الصباح"
    assert user.agency.code == "MOH" and user.must_change_password
    assert "كلمات مرور لمرة واحدة" in response.text
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "account.created"))


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"username": "rep-moh", "display_name": "x", "role": "observer"},
            "username",
            "مستخدم من قبل",
        ),
        (
            {"username": "bad name!", "display_name": "x", "role": "observer"},
            "username",
            "حرفًا لاتينيًا",
        ),
        (
            {"username": "r1", "display_name": "x", "role": "representative"},
            "agency",
            "يجب أن يتبع الممثل جهة",
        ),
        (
            {"username": "r1", "display_name": "x", "role": "observer", "agency": "MOH"},
            "agency",
            "الممثلون وحدهم",
        ),
        (
            {"username": "r1", "display_name": "x", "role": "observer", "password": "short"},
            "password",
            "10",
        ),
        ({"username": "r1", "display_name": "", "role": "observer"}, "display_name", ""),
        ({"username": "r1", "display_name": "x", "role": "king"}, "role", ""),
    ],
)
def test_bad_account_input_is_refused_next_to_the_field(
    client, sign_in, people, data, field, message
):
    sign_in("coordinator")
    before = count_users()
    response = client.post("/admin/accounts", data=data)
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.text
    assert message in response.text
    assert count_users() == before


def test_deactivating_an_account_ends_its_access(client, sign_in, people):
    sign_in("coordinator")
    target = people["observer"]
    response = client.post(f"/admin/accounts/{target.id}/deactivate")
    assert response.status_code == 303
    assert db.session.get(User, target.id).active is False
    sign_in("observer")
    assert client.get("/").status_code == 302


def test_an_htmx_deactivation_returns_only_the_account_table(client, sign_in, people):
    sign_in("coordinator")
    response = client.post(
        f"/admin/accounts/{people['observer'].id}/deactivate", headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert "<html" not in response.text and 'id="accounts"' in response.text
    assert "HX-Request" in response.headers["Vary"]
    # the message goes to the page's one flash region, not into the table
    flash = response.text.split('<hx-partial hx-target="#flashes" hx-swap="innerHTML">')[1]
    assert "watcher" in flash and 'id="accounts"' not in flash


def test_an_error_in_an_htmx_request_is_a_fragment(client, sign_in, people):
    sign_in("coordinator")
    missing = client.post("/admin/accounts/99999/deactivate", headers={"HX-Request": "true"})
    assert missing.status_code == 404
    assert "<html" not in missing.text and 'role="alert"' in missing.text
    sign_in("observer")
    refused = client.post(
        f"/admin/accounts/{people['coordinator'].id}/deactivate", headers={"HX-Request": "true"}
    )
    assert refused.status_code == 403 and "<header" not in refused.text


def test_a_coordinator_cannot_deactivate_themself(client, sign_in, people):
    sign_in("coordinator")
    response = client.post(f"/admin/accounts/{people['coordinator'].id}/deactivate")
    assert response.status_code == 422
    assert db.session.get(User, people["coordinator"].id).active


def test_an_unknown_account_is_404(client, sign_in, people):
    sign_in("coordinator")
    assert client.post("/admin/accounts/99999/reset").status_code == 404


def test_a_password_reset_issues_a_new_one_time_password(client, sign_in, people):
    sign_in("coordinator")
    old_hash = people["observer"].password_hash
    response = client.post(f"/admin/accounts/{people['observer'].id}/reset")
    user = db.session.get(User, people["observer"].id)
    assert user.password_hash != old_hash and user.must_change_password
    assert "كلمات مرور لمرة واحدة" in response.text


GOOD_CSV = (
    "agency,username,display_name,role\n"
    "MOH,rep-moh-9,فاطمة الصباح,representative\n"
    ",observer-2,أحمد العلي,observer\n"
    "MOE,Rep-MOE-9,Sara,Representative\n"
).encode()


def upload(client, content: bytes, name: str = "people.csv"):
    return client.post(
        "/admin/accounts/import",
        data={"file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )


def test_a_good_csv_file_creates_every_account(client, sign_in, people):
    sign_in("coordinator")
    response = upload(client, GOOD_CSV)
    assert response.status_code == 200
    created = {u.username: u for u in db.session.scalars(select(User))}
    assert {"rep-moh-9", "observer-2", "rep-moe-9"} <= set(created)
    assert created["rep-moh-9"].display_name == "فاطمة الصباح"
    assert created["rep-moe-9"].agency.code == "MOE"
    assert created["observer-2"].role is Role.OBSERVER and created["observer-2"].agency is None
    assert response.text.count("<code>") == 3


def test_a_csv_file_with_a_byte_order_mark_and_windows_line_ends_is_read(client, sign_in, people):
    sign_in("coordinator")
    content = "\ufeff" + GOOD_CSV.decode().replace("\n", "\r\n")
    assert upload(client, content.encode()).status_code == 200
    assert count_users() == 7


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (
            b"agency,username,display_name,role\nMOH,a1,A,representative\nXYZ,a2,B,representative\n",
            ["السطر 3", "XYZ"],
        ),
        (
            b"agency,username,display_name,role\nMOH,a1,A,representative\nMOE,A1,B,representative\n",
            ["السطر 3", "a1"],
        ),
        (
            b"agency,username,display_name,role\nMOH,rep-moh,A,representative\n",
            ["السطر 2", "rep-moh"],
        ),
        (b"agency,username,role\nMOH,a1,representative\n", ["السطر 1", "display_name"]),
        (
            "agency,username,display_name,role\nMOH,a1,فاطمة,representative\n".encode("cp1256"),
            ["UTF-8"],
        ),
        (b"", ["فارغ"]),
        (b"agency,username,display_name,role\n", ["لا يحتوي الملف على أي حساب"]),
        (b"agency,username,display_name,role\nMOH,a1,A,president\n", ["السطر 2", "president"]),
    ],
    ids=[
        "unknown agency",
        "duplicate in file",
        "username taken",
        "missing column",
        "wrong encoding",
        "empty file",
        "header only",
        "unknown role",
    ],
)
def test_a_bad_csv_file_names_the_line_and_writes_nothing(
    client, sign_in, people, content, expected
):
    sign_in("coordinator")
    before = count_users()
    audit_before = db.session.scalar(select(func.count()).select_from(AuditEntry))
    response = upload(client, content)
    assert response.status_code == 422
    for fragment in expected:
        assert fragment in response.text
    assert count_users() == before
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == audit_before


def test_an_oversized_upload_is_refused_with_a_clear_page(make_app, people):
    app = make_app(MAX_UPLOAD_MB=0.001)
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = people["coordinator"].get_id()
    response = upload(client, b"agency,username,display_name,role\n" + b"x" * 5000)
    assert response.status_code == 413
    assert "الملف كبير جدًا" in response.text


def test_one_time_passwords_avoid_look_alike_characters():
    from workshop.services.accounts import temporary_password

    for _n in range(200):
        password = temporary_password()
        assert len(password) == 14 and password.count("-") == 2
        assert not set(password) & set("0Oo1lI")


def test_the_first_password_is_chosen_without_typing_the_one_time_password_again(
    client, sign_in, people, factory
):
    from tests.conftest import PASSWORD

    factory.user("newcomer", Role.OBSERVER)
    user = db.session.scalar(select(User).where(User.username == "newcomer"))
    user.must_change_password = True
    db.session.commit()
    client.post("/login", data={"username": "newcomer", "password": PASSWORD})
    page = client.get("/profile").text
    assert 'name="current"' not in page and 'name="new"' in page
    done = client.post("/profile", data={"new": "a-new-secret-7", "confirm": "a-new-secret-7"})
    assert done.status_code == 303
    db.session.expire_all()
    assert not db.session.scalar(
        select(User).where(User.username == "newcomer")
    ).must_change_password
    # from now on, a change asks for the current password
    assert 'name="current"' in client.get("/profile").text


def test_the_account_form_asks_for_a_role_instead_of_defaulting_to_one(client, sign_in, people):
    sign_in("coordinator")
    page = client.get("/admin/accounts").text
    assert re.search(r'<select[^>]*name="role"[^>]*>\s*<option[^>]*value=""', page)
    refused = client.post(
        "/admin/accounts", data={"username": "x1", "display_name": "س", "role": "", "agency": ""}
    )
    assert refused.status_code == 422 and 'id="role-error"' in refused.text


def test_pages_that_show_a_secret_are_never_stored(client, sign_in, people):
    sign_in("coordinator")
    created = client.post(
        "/admin/accounts",
        data={"username": "nosy", "display_name": "س", "role": "observer", "agency": ""},
    )
    assert created.status_code == 200 and created.headers["Cache-Control"] == "no-store"
    listing = client.get("/admin/accounts")
    assert listing.headers.get("Cache-Control") != "no-store"  # nothing secret there
    token = client.post("/admin/tokens", data={"name": "directory"})
    assert token.headers["Cache-Control"] == "no-store"
