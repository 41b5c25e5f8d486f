"""Test data built through the services: an agency with members, in the demo province."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from vigil.accounts.models import User
from vigil.accounts.services import create_user
from vigil.core.audit import SystemActor
from vigil.org import services
from vigil.org.models import Agency, Committee, ContactPoint, Role

SYSTEM = SystemActor("test")
START = dt.date(2025, 7, 1)


@dataclass
class Unit:
    agency: Agency
    committee: Committee
    officers: list[User] = field(default_factory=list)
    head: User | None = None
    standing: User | None = None


def make_unit(tag: str, *, officers: int = 3, clearance: int = 0, email: bool = True) -> Unit:
    province = Committee.objects.get(name__endswith="tỉnh Quảng Ninh")
    agency = services.create_agency(
        name=f"Đơn vị {tag}", kind=Agency.Kind.DEPARTMENT, committee=province, actor=SYSTEM
    )
    unit = Unit(agency=agency, committee=province)

    def user(name: str, role: str, committee: Committee | None = None) -> User:
        u = create_user(
            username=f"{tag}_{name}", full_name=f"Cán bộ {name}", password=None,
            email=f"{tag}_{name}@example.invalid" if email else "", clearance=clearance,
            actor=SYSTEM,
        )  # fmt: skip
        services.grant_membership(
            u, agency=agency, role=role, committee=committee, valid_from=START, actor=SYSTEM
        )
        return u

    unit.officers = [user(f"o{i}", Role.OFFICER) for i in range(officers)]
    unit.head = user("head", Role.AGENCY_HEAD)
    return unit


def contact_of(unit: Unit, classification: int = 0) -> ContactPoint:
    return services.create_contact_point(
        unit.agency, label=f"Đầu mối {unit.agency.name}", classification=classification,
        actor=SYSTEM,
    )  # fmt: skip


def as_user(user: Any) -> Any:
    return User.objects.get(pk=user.pk)
