"""The scope rule, one branch at a time (DESIGN.md "Scope: one rule")."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
import time_machine

from vigil.accounts.models import User
from vigil.accounts.services import create_user
from vigil.core.audit import SystemActor
from vigil.core.classification import Classification
from vigil.org import services
from vigil.org.models import Agency, Committee, ContactPoint, Role
from vigil.org.scope import scope_for

pytestmark = pytest.mark.django_db
SYSTEM = SystemActor("test")
DAY = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)


def committee(suffix: str) -> Committee:
    return Committee.objects.get(name__endswith=suffix)


def agency(name: str) -> Agency:
    return Agency.objects.get(name=name)


def fresh_user(clearance: int = Classification.UNCLASSIFIED) -> User:
    return create_user(
        username=f"u{User.objects.count()}", full_name="Test", password=None,
        clearance=clearance, actor=SYSTEM,
    )  # fmt: skip


def grant(user: User, agency_: Agency, role: str, committee_: Committee | None = None,
          valid_from: dt.date = dt.date(2025, 7, 1), valid_to: dt.date | None = None) -> None:  # fmt: skip
    services.grant_membership(
        user, agency=agency_, role=role, committee=committee_,
        valid_from=valid_from, valid_to=valid_to, actor=SYSTEM,
    )  # fmt: skip
    user.__dict__.pop("_vigil_scope", None)


def sees(user: User, obj: ContactPoint) -> bool:
    user.__dict__.pop("_vigil_scope", None)
    return ContactPoint.objects.visible_to(user).filter(pk=obj.pk).exists()


@pytest.fixture
def province_object() -> ContactPoint:
    """Owned by the Provincial Police in the province committee, unclassified, shared with no one."""
    return services.create_contact_point(
        agency("Công an tỉnh Quảng Ninh"), label="branch test", actor=SYSTEM
    )


def test_a_committee_wide_role_sees_what_its_committee_owns(province_object: ContactPoint) -> None:
    user = fresh_user()
    grant(user, agency("Thanh tra tỉnh"), Role.AUDITOR, committee("tỉnh Quảng Ninh"))
    assert sees(user, province_object)


def test_a_committee_wide_role_above_sees_what_committees_below_own() -> None:
    below = services.create_contact_point(
        agency("Công an đặc khu Vân Đồn"), label="owned by A", actor=SYSTEM
    )
    user = fresh_user()
    grant(user, agency("Bộ Công an"), Role.AUDITOR, committee("quốc gia"))
    assert sees(user, below)


def test_a_committee_wide_role_below_does_not_see_the_committee_above(
    province_object: ContactPoint,
) -> None:
    user = fresh_user()
    grant(user, agency("Công an đặc khu Vân Đồn"), Role.STANDING_OFFICE, committee("Vân Đồn"))
    assert not sees(user, province_object)
    below = services.create_contact_point(
        agency("Ủy ban nhân dân đặc khu Vân Đồn"), label="owned by A", actor=SYSTEM
    )
    assert sees(user, below)  # the same role does see its own committee's objects


def test_an_agency_role_sees_what_its_agency_owns(province_object: ContactPoint) -> None:
    user = fresh_user()
    grant(user, agency("Công an tỉnh Quảng Ninh"), Role.OFFICER)
    assert sees(user, province_object)


def test_an_agency_role_does_not_see_other_agencies_of_its_committee(
    province_object: ContactPoint,
) -> None:
    user = fresh_user()
    grant(user, agency("Sở Y tế"), Role.OFFICER)
    assert not sees(user, province_object)
    own = services.create_contact_point(agency("Sở Y tế"), label="health's own", actor=SYSTEM)
    assert sees(user, own)


def test_an_object_addressed_to_an_agency_is_seen_by_its_officers() -> None:
    addressed = services.create_contact_point(
        agency("Công an tỉnh Quảng Ninh"), label="to health", actor=SYSTEM,
        shared_agencies=[agency("Sở Y tế")],
    )  # fmt: skip
    user = fresh_user()
    grant(user, agency("Sở Y tế"), Role.OFFICER)
    assert sees(user, addressed)


def test_an_object_addressed_to_a_committee_is_seen_by_its_committee_wide_roles_only() -> None:
    addressed = services.create_contact_point(
        agency("Công an tỉnh Quảng Ninh"), label="to A", actor=SYSTEM,
        shared_committees=[committee("Vân Đồn")],
    )  # fmt: skip
    standing = fresh_user()
    grant(standing, agency("Công an đặc khu Vân Đồn"), Role.STANDING_OFFICE, committee("Vân Đồn"))
    officer = fresh_user()
    grant(officer, agency("Ủy ban nhân dân đặc khu Vân Đồn"), Role.OFFICER)
    assert sees(standing, addressed)
    assert not sees(officer, addressed)


def test_clearance_below_the_classification_hides_the_object() -> None:
    secret = services.create_contact_point(
        agency("Công an tỉnh Quảng Ninh"), label="mật", actor=SYSTEM,
        classification=Classification.CONFIDENTIAL, shared_agencies=[agency("Sở Y tế")],
    )  # fmt: skip
    user = fresh_user(Classification.UNCLASSIFIED)
    grant(user, agency("Sở Y tế"), Role.OFFICER)
    assert not sees(user, secret)
    user.clearance = Classification.CONFIDENTIAL
    user.save(update_fields=["clearance"])
    assert sees(user, secret)


def test_a_committee_wide_role_still_needs_the_clearance() -> None:
    top = services.create_contact_point(
        agency("Công an tỉnh Quảng Ninh"), label="tối mật", actor=SYSTEM,
        classification=Classification.SECRET,
    )  # fmt: skip
    user = fresh_user(Classification.CONFIDENTIAL)
    grant(
        user, agency("Công an tỉnh Quảng Ninh"), Role.STANDING_OFFICE, committee("tỉnh Quảng Ninh")
    )
    assert not sees(user, top)


def test_a_membership_gives_nothing_from_the_day_after_it_ends(
    province_object: ContactPoint,
) -> None:
    user = fresh_user()
    grant(user, agency("Công an tỉnh Quảng Ninh"), Role.OFFICER, valid_to=dt.date(2026, 3, 10))
    with time_machine.travel(DAY, tick=False):
        assert sees(user, province_object)
    with time_machine.travel(DAY + dt.timedelta(days=1), tick=False):
        assert not sees(user, province_object)


def test_a_membership_gives_nothing_before_it_starts(province_object: ContactPoint) -> None:
    user = fresh_user()
    grant(user, agency("Công an tỉnh Quảng Ninh"), Role.OFFICER, valid_from=dt.date(2026, 3, 11))
    with time_machine.travel(DAY, tick=False):
        assert not sees(user, province_object)
    with time_machine.travel(DAY + dt.timedelta(days=1), tick=False):
        assert sees(user, province_object)


def test_two_memberships_see_the_union(case_object: Callable[[int], Any]) -> None:
    user = fresh_user()
    grant(user, agency("Công an đặc khu Vân Đồn"), Role.OFFICER)
    assert sees(user, case_object(1))
    assert not sees(user, case_object(3))
    grant(user, agency("Công an tỉnh Quảng Ninh"), Role.OFFICER)
    assert sees(user, case_object(1))
    assert sees(user, case_object(3))


def test_a_deactivated_user_sees_nothing(province_object: ContactPoint) -> None:
    user = fresh_user()
    grant(user, agency("Công an tỉnh Quảng Ninh"), Role.OFFICER)
    assert sees(user, province_object)
    user.is_active = False
    assert not sees(user, province_object)


def test_directory_data_is_for_committee_members_only() -> None:
    outsider = fresh_user()
    grant(outsider, agency("Công ty Cổ phần Than Demo Cẩm Phả"), Role.STOREKEEPER)
    member = fresh_user()
    grant(member, agency("Sở Y tế"), Role.OFFICER)
    assert not Committee.objects.visible_to(outsider).exists()
    assert Committee.objects.visible_to(member).count() == Committee.objects.count()
    assert scope_for(member).directory_member
    assert not scope_for(outsider).directory_member


def test_every_role_has_a_place_in_the_precedence() -> None:
    from vigil.org.scope import ROLE_PRECEDENCE

    assert sorted(ROLE_PRECEDENCE) == sorted(Role.values)
