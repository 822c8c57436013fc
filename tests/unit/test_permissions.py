"""The permission table: roles, and agencies for the roles bound to one."""

from __future__ import annotations

import pytest

from workshop.services.errors import PermissionDenied
from workshop.services.permissions import (
    AGENCY_BOUND,
    GRANTS,
    Permission,
    Role,
    ServiceActor,
    allowed,
    require,
)

MOH, MOE = 1, 2
REP_MOH = ServiceActor("rep", Role.REPRESENTATIVE, agency_id=MOH, id=10)
COORDINATOR = ServiceActor("coord", Role.COORDINATOR, id=11)
OBSERVER = ServiceActor("watcher", Role.OBSERVER, id=12)


def test_every_permission_is_granted_to_some_role():
    assert set(GRANTS) == set(Permission)
    assert all(GRANTS[p] for p in Permission)


def test_a_representative_acts_only_for_its_own_agency():
    assert allowed(REP_MOH, Permission.ACT_FOR_AGENCY, agency=MOH)
    assert not allowed(REP_MOH, Permission.ACT_FOR_AGENCY, agency=MOE)
    with pytest.raises(PermissionDenied):
        require(REP_MOH, Permission.ACT_FOR_AGENCY, agency=MOE)


def test_an_agency_does_not_bind_a_coordinator_to_it():
    assert Role.COORDINATOR not in AGENCY_BOUND
    assert allowed(COORDINATOR, Permission.PUBLISH_TAXONOMY, agency=MOE)


def test_coordinators_and_observers_do_not_act_for_an_agency():
    assert not allowed(COORDINATOR, Permission.ACT_FOR_AGENCY, agency=MOH)
    assert not allowed(OBSERVER, Permission.ACT_FOR_AGENCY, agency=MOH)


@pytest.mark.parametrize("permission", list(Permission))
def test_nobody_and_an_inactive_account_may_do_nothing(permission):
    inactive = ServiceActor("gone", Role.COORDINATOR, active=False)
    assert not allowed(None, permission)
    assert not allowed(inactive, permission)


def test_observers_read_but_never_write():
    readable = {p for p in Permission if allowed(OBSERVER, p)}
    assert readable == {
        Permission.VIEW_DASHBOARD,
        Permission.VIEW_AGENCIES,
        Permission.EDIT_PROFILE,
        Permission.VIEW_TAXONOMY,
        Permission.VIEW_PROPOSALS,
        Permission.VIEW_WORKSHOPS,
    }
