"""Times are stored in UTC and shown in the workshop's zone, with the zone visible; exports
say UTC whatever the database session's zone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import orjson
import pytest

from tests.web.taxonomy_files import create_taxonomy, csv_bytes
from workshop.models import db
from workshop.services import browsing
from workshop.services.permissions import SYSTEM

TEN_UTC = datetime(2026, 11, 29, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("zone", "hour", "name"), [("Asia/Kuwait", "1:00", "GMT+03:00"), ("UTC", "10:00", "GMT+00:00")]
)
def test_times_are_shown_in_the_workshops_zone_with_the_zone(make_app, zone, hour, name):
    from workshop.web.context import local_time

    app = make_app(TIMEZONE=zone)
    with app.test_request_context("/", headers={"Cookie": "lang=en"}):
        shown = str(local_time(TEN_UTC))
        naive = str(local_time(TEN_UTC.replace(tzinfo=None)))  # SQLite hands back naive UTC
    assert hour in shown and f'<span class="zone">{name}</span>' in shown
    assert 'datetime="2026-11-29T10:00:00Z"' in shown and naive == shown


def test_the_versions_page_shows_the_zone(app, sign_in, client):
    create_taxonomy(SYSTEM, "gov", "الخدمات", "Services", csv_bytes(), "v1.csv")
    sign_in("observer")
    page = client.get("/taxonomies/gov/").text
    assert '<span class="zone">غرينتش+03:00</span>' in page


def test_exports_say_utc_whatever_the_database_sessions_zone(make_app, database_url):
    # PostgreSQL hands times back in the session's zone: that session is set to Kuwait.
    # SQLite has no session zone; it must say UTC as well.
    postgres = database_url.startswith("postgresql")
    url = database_url.replace("options=", "options=-cTimeZone%3DAsia/Kuwait%20", 1)
    app = make_app(DATABASE_URL=url if postgres else database_url)
    with app.app_context():
        if postgres:
            assert db.session.execute(db.text("SHOW TimeZone")).scalar() == "Asia/Kuwait"
        before = datetime.now(UTC).replace(microsecond=0)
        create_taxonomy(SYSTEM, "gov", "الخدمات", "Services", csv_bytes(), "v1.csv")
        db.session.expire_all()
        exported = orjson.loads(browsing.export(SYSTEM, "gov", 1, "json")[1].data)
    stamp = exported["version"]["published_at"]
    published = datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert before - timedelta(seconds=1) <= published <= before + timedelta(minutes=1), stamp
