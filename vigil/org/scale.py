"""`vigil seed demo --scale N`: N more provinces' worth of directory, for benchmarks.

The fast path: rows go in with ``bulk_create`` and their audit events with
``audit.record_many``, so the chain stays whole (``vigil audit verify`` passes)
while 34 provinces take seconds, not the hours the per-object services would.
Every province gets a committee with some thirty member agencies, and each of
its real communes a committee with its people's committee and police; every
agency one liaison account and one contact point. Only the system seeds this way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import models, transaction

from vigil.accounts.models import AccountAction, User
from vigil.core import audit
from vigil.core.audit import SystemActor
from vigil.core.models import AdminUnit
from vigil.core.search import fold
from vigil.org.models import (
    Agency,
    Committee,
    ContactPoint,
    MemberAgency,
    Membership,
    OrgAction,
    Role,
)

START = dt.date(2025, 7, 1)
K = Agency.Kind
# The member agencies of a provincial committee (DOMAIN.md), beyond the standing police.
PROVINCE_MEMBERS: Sequence[tuple[str, str, str]] = [
    ("Ủy ban nhân dân tỉnh", K.PEOPLES_COMMITTEE, "UBND"),
    ("Bộ Chỉ huy Quân sự tỉnh", K.MILITARY, "BCHQS"),
    ("Bộ Chỉ huy Bộ đội Biên phòng tỉnh", K.BORDER_GUARD, "BĐBP"),
    ("Thanh tra tỉnh", K.INSPECTORATE, "TTr"),
    *[
        (f"Sở {name}", K.DEPARTMENT, short)
        for name, short in [
            ("Công Thương", "SCT"),
            ("Y tế", "SYT"),
            ("Tài chính", "STC"),
            ("Xây dựng", "SXD"),
            ("Khoa học và Công nghệ", "SKHCN"),
            ("Nông nghiệp và Môi trường", "SNNMT"),
            ("Văn hóa, Thể thao và Du lịch", "SVHTTDL"),
            ("Nội vụ", "SNV"),
            ("Tư pháp", "STP"),
            ("Giáo dục và Đào tạo", "SGDĐT"),
            ("Ngoại vụ", "SNgV"),
            ("Dân tộc và Tôn giáo", "SDTTG"),
        ]
    ],
    *[(f"Ban quản lý {n}", K.OTHER, "BQL") for n in ("khu kinh tế", "khu công nghiệp")],
    *[
        (name, K.ENTERPRISE, "")
        for name in (
            "Cảng vụ hàng hải",
            "Công ty Điện lực",
            "Ga đường sắt",
            "Bến xe khách trung tâm",
            "Trung tâm thương mại",
            "Bệnh viện đa khoa tỉnh",
            "Cảng thủy nội địa",
            "Nhà máy nước",
            "Khu du lịch",
            "Sân vận động tỉnh",
            "Trung tâm hội nghị tỉnh",
        )
    ],
]


@dataclass
class ScaleReport:
    provinces: int = 0
    committees: int = 0
    agencies: int = 0
    users: int = 0
    contact_points: int = 0
    events: int = 0


def seed_scale(n: int, *, password: str) -> ScaleReport:
    """Add ``n`` provinces (the real ones first, other than those already seeded)."""
    actor = SystemActor("seed")
    national = Committee.objects.get(level=Committee.Level.NATIONAL, parent__isnull=True)
    taken = set(Committee.objects.exclude(admin_unit=None).values_list("admin_unit_id", flat=True))
    provinces = list(AdminUnit.objects.filter(parent__isnull=True).order_by("code"))
    free = [u for u in provinces if u.pk not in taken]
    report = ScaleReport()
    # One password hash for every scale account: Argon2 per user would take minutes.
    hashed = make_password(password)
    for round_ in range(n):
        unit = free[round_] if round_ < len(free) else provinces[round_ % len(provinces)]
        copy = "" if round_ < len(free) else f" ({round_ // len(provinces) + 1})"
        with transaction.atomic():
            _seed_province(national, unit, copy, hashed, actor, report)
        report.provinces += 1
    return report


def _seed_province(
    national: Committee, unit: AdminUnit, copy: str, hashed: str, actor: SystemActor,
    report: ScaleReport,
) -> None:  # fmt: skip
    communes = list(AdminUnit.objects.filter(parent=unit).order_by("code"))
    tag = f"{unit.code}{copy.strip(' ()')}"
    province = _committees(
        [(f"Ban Chỉ đạo Phòng, chống khủng bố {unit.name}{copy}", unit)], national, actor
    )[0]
    commune_committees = _committees(
        [(f"Ban Chỉ đạo Phòng, chống khủng bố {c.name}{copy}", c) for c in communes],
        province,
        actor,
    )
    police = Agency(
        name=f"Công an {unit.name}{copy}",
        kind=K.POLICE,
        committee=province,
        short_name="CAT",
        admin_unit=unit,
    )
    specs: list[tuple[Agency, Committee, Role]] = [(police, province, Role.STANDING_OFFICE)]
    for name, kind, short in PROVINCE_MEMBERS:
        agency = Agency(
            name=f"{name} {unit.name}{copy}",
            kind=kind,
            committee=province,
            short_name=short,
            admin_unit=unit,
        )
        specs.append((agency, province, Role.OFFICER))
    for commune, committee in zip(communes, commune_committees, strict=True):
        for prefix, kind, role in (("Ủy ban nhân dân", K.COMMUNE_BODY, Role.OFFICER),
                                   ("Công an", K.POLICE, Role.STANDING_OFFICE)):  # fmt: skip
            name = f"{prefix} {_lower_first(commune.name)}{copy}"
            agency = Agency(name=name, kind=kind, committee=committee, admin_unit=commune)
            specs.append((agency, committee, role))
    agencies = [a for a, _c, _r in specs]
    for agency in agencies:
        agency.name_folded = fold(f"{agency.name} {agency.short_name}")
    Agency.objects.bulk_create(agencies)
    _audit(OrgAction.AGENCY_CREATED, agencies, actor)
    # Standing agencies: the police of each committee.
    standing = {c.pk: a for a, c, r in specs if r == Role.STANDING_OFFICE}
    for committee in [province, *commune_committees]:
        committee.standing_agency = standing[committee.pk]
    Committee.objects.bulk_update([province, *commune_committees], ["standing_agency"])
    members = [MemberAgency(committee=c, agency=a, valid_from=START) for a, c, _r in specs]
    MemberAgency.objects.bulk_create(members)
    _audit(OrgAction.MEMBER_AGENCY_ADDED, members, actor)

    users = [
        User(
            username=f"s{tag}_{i}",
            full_name=f"Cán bộ đầu mối {i} ({unit.name})",
            email=f"s{tag}_{i}@demo.vigil.invalid",
            password=hashed,
        )
        for i in range(len(specs))
    ]
    User.objects.bulk_create(users)
    _audit(
        AccountAction.USER_CREATED,
        users,
        actor,
        ["username", "full_name", "email", "clearance", "is_active"],
    )
    memberships = [
        Membership(
            user=u,
            agency=a,
            role=r,
            valid_from=START,
            committee=c if r == Role.STANDING_OFFICE else None,
        )
        for u, (a, c, r) in zip(users, specs, strict=True)
    ]
    Membership.objects.bulk_create(memberships)
    _audit(OrgAction.MEMBERSHIP_GRANTED, memberships, actor)
    contacts = [
        ContactPoint(
            agency=a,
            owning_agency=a,
            owning_committee=c,
            label="Văn phòng",
            phone=f"0{200 + i % 99} 3 {i:06d}",
            address=a.admin_unit.name if a.admin_unit else "",
        )
        for i, (a, c, _r) in enumerate(specs)
    ]
    ContactPoint.objects.bulk_create(contacts)
    _audit(OrgAction.CONTACT_CREATED, contacts, actor)
    report.committees += 1 + len(commune_committees)
    report.agencies += len(agencies)
    report.users += len(users)
    report.contact_points += len(contacts)


def _committees(
    rows: Iterable[tuple[str, AdminUnit]], parent: Committee, actor: SystemActor
) -> list[Committee]:
    level = Committee.Level.PROVINCE if parent.parent_id is None else Committee.Level.COMMUNE
    committees = [
        Committee(
            name=name,
            short_name="BCĐ",
            level=level,
            parent=parent,
            admin_unit=unit,
            name_folded=fold(name),
        )
        for name, unit in rows
    ]
    Committee.objects.bulk_create(committees)
    for committee in committees:
        committee.path = f"{parent.path}{committee.pk}/"
    Committee.objects.bulk_update(committees, ["path"])
    _audit(OrgAction.COMMITTEE_CREATED, committees, actor)
    return committees


def _audit(
    action: str, objects: Sequence[models.Model], actor: SystemActor, fields: Any = None
) -> None:
    audit.record_many(
        action, actor=actor, entries=((o, audit.snapshot(o, fields)) for o in objects)
    )


def _lower_first(name: str) -> str:
    # "Phường Ba Đình" -> "phường Ba Đình", as it reads after "Công an".
    return name[:1].lower() + name[1:]
