"""Schemathesis: the read API answers as its OpenAPI document says, for generated requests.

The operations are driven from the test itself: schemathesis' pytest plugin does not run
under pytest 9 here (it reads a private attribute pytest no longer has).
"""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings

from workshop.services import tokens
from workshop.services.permissions import SYSTEM

SETTINGS = settings(
    max_examples=25, deadline=None, database=None, suppress_health_check=list(HealthCheck)
)


def test_the_api_keeps_its_openapi_contract(app, published, people):
    from workshop.services import proposals

    author = people["representative"]
    proposal = proposals.create(author, "gov", "طب الأسنان", "أوضح")
    proposals.add_change(
        author, proposal.id, 1, {"op": "relabel", "id": "dental", "labels": {"en": "Teeth"}}
    )
    proposals.move(author, proposal.id, "open")
    from tests.web.test_voting import workshop_with

    workshop_with(people["coordinator"], proposal.id)
    secret = tokens.create(SYSTEM, "schemathesis").secret
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 11
    for operation in operations:

        @SETTINGS
        @given(case=operation.as_strategy())
        def check(case):
            case.call_and_validate(headers={"Authorization": f"Bearer {secret}"})

        check()
