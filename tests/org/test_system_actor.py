"""Vigil itself acts with a scope that covers everything; the one committee-administrator check."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from tests.org.test_scope_rule import SYSTEM, agency, committee, fresh_user, grant
from vigil.core.audit import acting_user, acting_user_id
from vigil.core.classification import Classification
from vigil.org import services
from vigil.org.models import Agency, Committee, ContactPoint, Role
from vigil.org.scope import (
    SYSTEM_SCOPE,
    committees_with_role,
    require_committee_admin,
    require_committee_role,
    scope_for,
)

pytestmark = pytest.mark.django_db


def test_the_system_scope_covers_every_role_object_and_committee() -> None:
    services.create_contact_point(
        agency("Công an tỉnh Quảng Ninh"),
        label="secret",
        classification=Classification.TOP_SECRET,
        actor=SYSTEM,
    )
    scope = scope_for(SYSTEM)
    assert scope is SYSTEM_SCOPE
    assert scope.committee_role_covers(committee("Vân Đồn").path, Role.ADMINISTRATOR)
    assert scope.agency_role_in(agency("Bộ Công an").pk, Role.STOREKEEPER)
    assert ContactPoint.objects.visible_to(SYSTEM).count() == ContactPoint.objects.count()
    assert Agency.objects.visible_to(SYSTEM).count() == Agency.objects.count()
    assert committees_with_role(SYSTEM, Role.AUDITOR) == frozenset(
        Committee.objects.values_list("pk", flat=True)
    )
    assert acting_user(SYSTEM) is None and acting_user_id(SYSTEM) is None


def test_require_committee_admin_passes_an_administrator_above_and_the_system() -> None:
    below = committee("Vân Đồn")
    require_committee_admin(SYSTEM, below)
    require_committee_admin(SYSTEM, None)  # the default policy: Vigil itself only
    admin = fresh_user()
    grant(admin, agency("Ủy ban nhân dân tỉnh Quảng Ninh"), Role.ADMINISTRATOR,
          committee("tỉnh Quảng Ninh"))  # fmt: skip
    require_committee_admin(admin, below)
    assert acting_user(admin) == admin and acting_user_id(admin) == admin.pk


def test_require_committee_admin_refuses_others_with_the_callers_words() -> None:
    user = fresh_user()
    grant(user, agency("Công an đặc khu Vân Đồn"), Role.STANDING_OFFICE, committee("Vân Đồn"))
    with translation.override("en"), pytest.raises(PermissionDenied, match="administrator of"):
        require_committee_admin(user, committee("Vân Đồn"))
    with pytest.raises(PermissionDenied, match="not yours"):
        require_committee_admin(user, committee("tỉnh Quảng Ninh"), "not yours")
    with pytest.raises(PermissionDenied):
        require_committee_admin(user, None)
    require_committee_role(user, committee("Vân Đồn"), Role.STANDING_OFFICE, message="no")
