"""Sign-in limits: failures only, per address and per account (with back-off that the
owner's own browser is not held to), behind a trusted proxy; and passwords that are too
easy to guess."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.conftest import PASSWORD
from workshop.models import User, db, utcnow
from workshop.services import accounts
from workshop.services.errors import ServiceError


def login(client, username, password=PASSWORD, address="10.0.0.1", **headers):
    return client.post(
        "/login",
        data={"username": username, "password": password},
        environ_base={"REMOTE_ADDR": address},
        headers=headers,
    )


def account(username="coord") -> User:
    db.session.rollback()
    return db.session.scalar(select(User).where(User.username == username))


def test_successful_sign_ins_do_not_count_toward_the_limit(make_app, people):
    app = make_app(LOGIN_RATE_LIMIT="3 per minute", LOGIN_ADDRESS_RATE_LIMIT="3 per minute")
    client = app.test_client()
    for _ in range(6):
        assert login(client, "coord").status_code == 303
        client.post("/logout")


def test_password_spraying_from_one_address_is_limited(make_app, people):
    app = make_app(LOGIN_ADDRESS_RATE_LIMIT="5 per 10 minutes")
    client = app.test_client()
    names = [f"user-{n}" for n in range(5)]
    assert [login(client, n, "Summer2026!").status_code for n in names] == [422] * 5
    assert login(client, "coord", "Summer2026!").status_code == 429
    assert login(client, "coord", address="10.0.0.2").status_code == 303  # another address


def test_an_account_backs_off_exponentially_after_failures_from_any_address(client, people):
    for n in range(accounts.FREE_FAILURES):
        assert login(client, "coord", "wrong-password", address=f"10.1.0.{n}").status_code == 422
    user = account()
    assert user.failed_sign_ins == 5 and user.sign_in_after is not None
    waiting = login(client, "coord", address="10.2.0.1")  # the right password, a new address
    assert waiting.status_code == 422 and "حاول مرة أخرى بعد" in waiting.text
    assert account().failed_sign_ins == 5  # a refused attempt is not counted
    assert [accounts.back_off_seconds(n) for n in (4, 5, 6, 7, 12, 30)] == [0, 1, 2, 4, 128, 300]


def test_the_wait_ends_and_a_success_clears_the_count(client, people):
    user = account()
    user.failed_sign_ins, user.sign_in_after = 9, utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert login(client, "coord").status_code == 303
    user = account()
    assert (user.failed_sign_ins, user.sign_in_after) == (0, None)


def test_a_stranger_cannot_keep_the_owner_out_of_their_own_browser(make_app, people):
    app = make_app()
    owner, stranger = app.test_client(), app.test_client()
    assert login(owner, "coord").status_code == 303  # the owner's browser is now known
    owner.post("/logout")
    for _ in range(8):
        login(stranger, "coord", "guess-guess-guess", address="203.0.113.9")
    assert login(stranger, "coord", address="203.0.113.9").status_code == 422  # held back
    forged = app.test_client()
    forged.set_cookie("known_browser", "coord")  # an unsigned cookie counts for nothing
    assert login(forged, "coord").status_code == 422
    assert login(owner, "coord").status_code == 303  # the owner is not held back


def test_behind_a_trusted_proxy_the_limits_key_on_the_client_address(make_app, people):
    app = make_app(PROXY_COUNT=1, LOGIN_ADDRESS_RATE_LIMIT="2 per 10 minutes")
    client = app.test_client()
    proxy = "192.168.1.1"
    for n in range(2):
        assert (
            login(client, f"x{n}", address=proxy, **{"X-Forwarded-For": "10.9.9.9"}).status_code
            == 422
        )
    assert login(client, "x", address=proxy, **{"X-Forwarded-For": "10.9.9.9"}).status_code == 429
    # another person in the hall, behind the same proxy
    assert (
        login(client, "coord", address=proxy, **{"X-Forwarded-For": "10.9.9.8"}).status_code == 303
    )


@pytest.mark.parametrize(
    "password", ["1234567890", "qwertyuiop", "QWERTYUIOP", "password123", "coord-is-me-2026"]
)
def test_common_passwords_and_the_username_are_refused(app, people, password):
    with pytest.raises(ServiceError, match="too easy to guess"):
        accounts.change_password(people["coordinator"], PASSWORD, password)


def test_the_new_password_must_differ_from_the_current_one(app, people):
    with pytest.raises(ServiceError, match="differ"):
        accounts.change_password(people["coordinator"], PASSWORD, PASSWORD)
    accounts.change_password(people["coordinator"], PASSWORD, "a-long-new-phrase-7")


def test_only_sign_in_is_limited_so_reads_may_skip_the_limiter(app):
    """extensions.limit_writes_only lets GET, HEAD and OPTIONS pass the limiter unchecked
    (it cost a tenth of a cached read). That holds while the only limits are on sign-in's
    POST: a limit on another view must be added here, and be on a method that changes state."""
    from workshop.extensions import UNLIMITED_METHODS, limiter

    assert limiter._marked_for_limiting == {"workshop.web.auth.login.login"}
    with app.test_request_context("/login", method="GET"):
        assert limiter.limit_manager.resolve_limits(
            app, "auth.login", "auth", "workshop.web.auth.login.login", False, True
        )[1], "sign-in's limits are found (the names above are still the limiter's)"
    assert "POST" not in UNLIMITED_METHODS


def test_the_limiter_looks_for_limits_before_writes_only(app, monkeypatch):
    """The check before every request (application-wide limits; sign-in's own limits are
    checked by its decorator, in the view)."""
    from workshop.extensions import limiter

    checked: list[bool] = []

    def check(in_middleware: bool = True, callable_name: str | None = None) -> None:
        checked.append(in_middleware)

    monkeypatch.setattr(limiter, "_check_request_limit", check)
    client = app.test_client()
    for read in (client.get, client.head, client.options):
        read("/agencies")
    assert checked == []
    client.post("/login", data={"username": "nobody", "password": "x"})
    assert checked == [True, False]  # before the request, then sign-in's decorator


def test_reads_of_the_sign_in_page_are_never_limited_but_posts_are(make_app, people):
    app = make_app(LOGIN_RATE_LIMIT="2 per minute", LOGIN_ADDRESS_RATE_LIMIT="2 per minute")
    client = app.test_client()
    for _ in range(5):
        assert client.get("/login", environ_base={"REMOTE_ADDR": "10.0.0.9"}).status_code == 200
    for _ in range(2):
        assert login(client, "coord", "wrong-password", address="10.0.0.9").status_code == 422
    assert login(client, "coord", "wrong-password", address="10.0.0.9").status_code == 429


def test_an_app_with_the_limiter_disabled_starts_and_serves(make_app, people):
    app = make_app(RATELIMIT_ENABLED=False)
    client = app.test_client()
    assert client.get("/login").status_code == 200
    for _ in range(12):
        assert login(client, "coord", "wrong-password").status_code == 422
