"""The demo province (Quảng Ninh): real administrative units, fictional people.

Built through the services, so the audit chain verifies afterwards. The
objects named in ``../shared/SCOPE-CASES.md`` are created here with fixed labels
(``CASE_LABELS``) so the tests and the demo agree. ``seed_scale`` (at the end)
adds N more provinces' worth of directory for benchmarks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import models, transaction
from django.utils import timezone

from vigil.accounts.models import AccountAction, User
from vigil.accounts.services import create_user
from vigil.core import audit, clock
from vigil.core.audit import SystemActor
from vigil.core.classification import Classification as C
from vigil.core.models import AdminUnit
from vigil.core.search import fold
from vigil.org import services
from vigil.org.models import (
    Agency,
    Committee,
    ContactPoint,
    MemberAgency,
    Membership,
    OrgAction,
    Post,
    Role,
)

DEMO_PASSWORD = "vigil-demo-2026"  # noqa: S105 - printed by `make run`, refused in production
START = dt.date(2025, 7, 1)
K = Agency.Kind

# The scope cases of SCOPE-CASES.md that are contact points, by label.
CASE_LABELS = {
    1: "Trực ban Công an đặc khu Vân Đồn",
    2: "Đường dây nóng Công an phường Móng Cái 1",
    3: "Tổng đài Công an tỉnh",
    6: "Sở chỉ huy dự bị Công an tỉnh",
    7: "Liên lạc phối hợp biên giới",
    8: "Trực kho vật liệu nổ công nghiệp",
    12: "Đầu mối an toàn bến tàu Cái Rồng",
}

PERSONAS: list[tuple[str, str, int]] = [
    ("lanhdao", "Nguyễn Văn Hùng", C.SECRET),
    ("thuongtruc", "Trần Minh Quân", C.CONFIDENTIAL),
    ("congthuong", "Lê Thị Hoa", C.UNCLASSIFIED),
    ("bienphong", "Phạm Đức Thắng", C.CONFIDENTIAL),
    ("xa_a", "Vũ Văn Bình", C.UNCLASSIFIED),
    ("xa_b", "Hoàng Văn Nam", C.UNCLASSIFIED),
    ("kiemtoan", "Đỗ Thị Lan", C.CONFIDENTIAL),
    ("kho_mo", "Bùi Văn Toàn", C.UNCLASSIFIED),
    ("quantri", "Ngô Thanh Sơn", C.UNCLASSIFIED),
]


@dataclass
class OrgWorld:
    committees: dict[str, Committee] = field(default_factory=dict)
    agencies: dict[str, Agency] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)


def seed_org(actor: SystemActor) -> OrgWorld:
    w = OrgWorld()
    province = AdminUnit.objects.get(code="22")
    unit_a = AdminUnit.objects.get(code="06994")  # Đặc khu Vân Đồn
    unit_b = AdminUnit.objects.get(code="06712")  # Phường Móng Cái 1

    national = services.create_committee(
        name="Ban Chỉ đạo Phòng, chống khủng bố quốc gia", short_name="BCĐ",
        level=Committee.Level.NATIONAL, actor=actor,
    )  # fmt: skip
    p = services.create_committee(
        name="Ban Chỉ đạo Phòng, chống khủng bố tỉnh Quảng Ninh", short_name="BCĐ",
        level=Committee.Level.PROVINCE, parent=national, admin_unit=province, actor=actor,
    )  # fmt: skip
    a = services.create_committee(
        name="Ban Chỉ đạo Phòng, chống khủng bố đặc khu Vân Đồn", short_name="BCĐ",
        level=Committee.Level.COMMUNE, parent=p, admin_unit=unit_a, actor=actor,
    )  # fmt: skip
    b = services.create_committee(
        name="Ban Chỉ đạo Phòng, chống khủng bố phường Móng Cái 1", short_name="BCĐ",
        level=Committee.Level.COMMUNE, parent=p, admin_unit=unit_b, actor=actor,
    )  # fmt: skip
    w.committees = {"national": national, "province": p, "a": a, "b": b}
    # Each committee's own code for document exchange (fictional, in the province's H46 block).
    for committee, code in ((p, "000.00.90.H46"), (a, "000.01.90.H46"), (b, "000.02.90.H46")):
        services.update_committee(committee, electronic_code=code, actor=actor)

    def agency(key: str, name: str, kind: str, committee: Committee | None, code: str = "",
               short: str = "", unit: AdminUnit | None = None, **extra: Any) -> Agency:  # fmt: skip
        w.agencies[key] = services.create_agency(
            name=name, kind=kind, committee=committee, electronic_code=code, short_name=short,
            admin_unit=unit or province, actor=actor, **extra,
        )  # fmt: skip
        return w.agencies[key]

    mps = agency("mps", "Bộ Công an", K.POLICE, national, "000.00.00.G01", "BCA", unit=None)
    services.set_standing_agency(national, mps, actor=actor)
    agency("ubnd", "Ủy ban nhân dân tỉnh Quảng Ninh", K.PEOPLES_COMMITTEE, p, "000.00.00.H46", "UBND")  # fmt: skip
    police = agency("police", "Công an tỉnh Quảng Ninh", K.POLICE, p, "000.00.01.H46", "CAT")
    services.set_standing_agency(p, police, actor=actor)
    agency("military", "Bộ Chỉ huy Quân sự tỉnh", K.MILITARY, p, "000.00.02.H46", "BCHQS")  # fmt: skip
    border = agency("border", "Bộ Chỉ huy Bộ đội Biên phòng tỉnh", K.BORDER_GUARD, p, "000.00.03.H46", "BĐBP")  # fmt: skip
    dit = agency("dit", "Sở Công Thương", K.DEPARTMENT, p, "000.00.10.H46", "SCT")
    inspectorate = agency("inspectorate", "Thanh tra tỉnh", K.INSPECTORATE, p, "000.00.11.H46", "TTr")  # fmt: skip
    departments = [
        ("health", "Sở Y tế", "000.00.12.H46", "SYT"),
        ("finance", "Sở Tài chính", "000.00.13.H46", "STC"),
        ("construction", "Sở Xây dựng", "000.00.14.H46", "SXD"),
        ("science", "Sở Khoa học và Công nghệ", "000.00.15.H46", "SKHCN"),
        ("agri_env", "Sở Nông nghiệp và Môi trường", "000.00.16.H46", "SNNMT"),
        ("culture", "Sở Văn hóa, Thể thao và Du lịch", "000.00.17.H46", "SVHTTDL"),
    ]
    for key, name, code, short in departments:
        agency(key, name, K.DEPARTMENT, p, code, short)
    airport = agency("airport", "Cảng hàng không quốc tế Vân Đồn", K.ENTERPRISE, p, "", "CHKVĐ", unit=unit_a)  # fmt: skip
    ubnd_a = agency("ubnd_a", "Ủy ban nhân dân đặc khu Vân Đồn", K.COMMUNE_BODY, a, "000.01.20.H46", "UBND", unit=unit_a)  # fmt: skip
    police_a = agency("police_a", "Công an đặc khu Vân Đồn", K.POLICE, a, "000.01.21.H46", "CAĐK", unit=unit_a)  # fmt: skip
    services.set_standing_agency(a, police_a, actor=actor)
    ubnd_b = agency("ubnd_b", "Ủy ban nhân dân phường Móng Cái 1", K.COMMUNE_BODY, b, "000.02.20.H46", "UBND", unit=unit_b)  # fmt: skip
    police_b = agency("police_b", "Công an phường Móng Cái 1", K.POLICE, b, "000.02.21.H46", "CAP", unit=unit_b)  # fmt: skip
    services.set_standing_agency(b, police_b, actor=actor)
    mine = agency(
        "mine", "Công ty Cổ phần Than Demo Cẩm Phả", K.LICENSED_ORGANISATION, None,
        unit=AdminUnit.objects.get(code="06793"), tax_code="5700000000", licensed_by=[dit],
    )  # fmt: skip

    for key in ["ubnd", "police", "military", "border", "dit", "inspectorate", "airport",
                *[d[0] for d in departments]]:  # fmt: skip
        services.add_member_agency(p, w.agencies[key], valid_from=START, actor=actor)
    for committee, members in ((a, [ubnd_a, police_a, airport]), (b, [ubnd_b, police_b, border])):
        for member in members:
            services.add_member_agency(committee, member, valid_from=START, actor=actor)

    _seed_posts(w, actor)
    _seed_users(w, actor)
    _seed_duty(w, actor)
    _seed_contacts(w, actor, mine=mine, police=police, police_a=police_a, police_b=police_b,
                   border=border, dit=dit, inspectorate=inspectorate, ubnd_a=ubnd_a)  # fmt: skip
    return w


def _seed_posts(w: OrgWorld, actor: SystemActor) -> None:
    p, ag = w.committees["province"], w.agencies
    posts = [
        (Post.Kind.HEAD, "Trưởng ban", ag["ubnd"], "Nguyễn Văn Hùng", "Chủ tịch UBND tỉnh"),
        (Post.Kind.STANDING_DEPUTY, "Phó Trưởng ban Thường trực", ag["police"], "Phạm Quốc Đạt",
         "Giám đốc Công an tỉnh"),
        (Post.Kind.DEPUTY, "Phó Trưởng ban", ag["military"], "Đặng Văn Lực",
         "Chỉ huy trưởng Bộ Chỉ huy Quân sự tỉnh"),
        (Post.Kind.STANDING_MEMBER, "Ủy viên Thường trực", ag["police"], "Trần Minh Quân",
         "Phó Giám đốc Công an tỉnh"),
        (Post.Kind.MEMBER, "Ủy viên", ag["border"], "Phạm Đức Thắng", "Phó Chỉ huy trưởng BĐBP tỉnh"),
        (Post.Kind.MEMBER, "Ủy viên", ag["dit"], "Lê Thị Hoa", "Phó Giám đốc Sở Công Thương"),
        (Post.Kind.MEMBER, "Ủy viên", ag["health"], None, ""),
    ]  # fmt: skip
    for order, (kind, title, agency, holder, position) in enumerate(posts):
        post = services.create_post(
            p, kind=kind, title=title, agency=agency, order=order, actor=actor
        )
        if holder:
            services.appoint_holder(
                post, holder_name=holder, position=position, valid_from=START,
                decision_number=f"{120 + order}/QĐ-UBND", actor=actor,
            )  # fmt: skip
    for key, chair, chief in (
        ("a", "Vũ Thị Mai", "Vũ Văn Bình"),
        ("b", "Lý Văn Hải", "Hoàng Văn Nam"),
    ):
        committee = w.committees[key]
        head = services.create_post(committee, kind=Post.Kind.HEAD, title="Trưởng ban",
                                    agency=ag[f"ubnd_{key}"], actor=actor)  # fmt: skip
        services.appoint_holder(head, holder_name=chair, position="Chủ tịch UBND",
                                valid_from=START, actor=actor)  # fmt: skip
        deputy = services.create_post(committee, kind=Post.Kind.STANDING_DEPUTY, order=1,
                                      title="Phó Trưởng ban Thường trực",
                                      agency=ag[f"police_{key}"], actor=actor)  # fmt: skip
        services.appoint_holder(deputy, holder_name=chief, position="Trưởng Công an",
                                valid_from=START, actor=actor)  # fmt: skip


def _seed_users(w: OrgWorld, actor: SystemActor) -> None:
    c, ag = w.committees, w.agencies
    grants: dict[str, tuple[Agency, str, Committee | None]] = {
        "lanhdao": (ag["ubnd"], Role.COMMITTEE_LEADER, c["province"]),
        "thuongtruc": (ag["police"], Role.STANDING_OFFICE, c["province"]),
        "congthuong": (ag["dit"], Role.OFFICER, None),
        "bienphong": (ag["border"], Role.OFFICER, None),
        "xa_a": (ag["police_a"], Role.STANDING_OFFICE, c["a"]),
        "xa_b": (ag["police_b"], Role.STANDING_OFFICE, c["b"]),
        "kiemtoan": (ag["inspectorate"], Role.AUDITOR, c["province"]),
        "kho_mo": (ag["mine"], Role.STOREKEEPER, None),
        "quantri": (ag["police"], Role.ADMINISTRATOR, c["province"]),
    }
    for username, full_name, clearance in PERSONAS:
        user = create_user(
            username=username, full_name=full_name, email=f"{username}@demo.vigil.invalid",
            password=DEMO_PASSWORD, clearance=clearance, actor=actor, check_password=False,
        )  # fmt: skip
        agency, role, committee = grants[username]
        services.grant_membership(
            user, agency=agency, role=role, committee=committee, valid_from=START, actor=actor
        )
        w.users[username] = user


def _address(unit: AdminUnit | None) -> str:
    if unit is None or unit.parent is None:
        return "tỉnh Quảng Ninh"
    return f"{unit.name}, tỉnh Quảng Ninh"


def _seed_contacts(w: OrgWorld, actor: SystemActor, **ag: Agency) -> None:
    c = w.committees
    for agency in w.agencies.values():
        owner = agency.committee or c["province"]
        services.create_contact_point(
            agency, label="Văn phòng", phone="0203 3 800 000", actor=actor,
            email=f"vanphong.{agency.pk}@demo.vigil.invalid", owning_committee=owner,
            address=_address(agency.admin_unit),
            shared_agencies=list(agency.licensed_by.all()),
        )  # fmt: skip
    cp = services.create_contact_point
    cp(ag["police_a"], label=CASE_LABELS[1], phone="0203 3 793 113", actor=actor)
    cp(ag["police_b"], label=CASE_LABELS[2], phone="0203 3 881 113",
       classification=C.CONFIDENTIAL, actor=actor)  # fmt: skip
    cp(ag["police"], label=CASE_LABELS[3], phone="0203 3 825 113", actor=actor)
    cp(ag["police"], label=CASE_LABELS[6], phone="0203 3 999 999",
       classification=C.SECRET, actor=actor)  # fmt: skip
    cp(ag["police"], label=CASE_LABELS[7], phone="0203 3 770 770",
       classification=C.CONFIDENTIAL, shared_agencies=[ag["border"]], actor=actor)  # fmt: skip
    cp(ag["mine"], label=CASE_LABELS[8], phone="0203 3 862 000", owning_committee=c["province"],
       shared_agencies=[ag["dit"]], actor=actor)  # fmt: skip
    cp(ag["ubnd_a"], label=CASE_LABELS[12], phone="0203 3 793 200",
       shared_agencies=[ag["dit"]], actor=actor)  # fmt: skip


def _seed_duty(w: OrgWorld, actor: SystemActor) -> None:
    """A week of 24-hour shifts from 07:30 yesterday, so someone is on duty now."""
    ag, u = w.agencies, w.users
    rosters = {
        "police": ([u["thuongtruc"], u["quantri"]], "0203 3 825 113"),
        "dit": ([u["congthuong"]], "0203 3 835 600"),
        "border": ([u["bienphong"]], "0203 3 881 069"),
        "police_a": ([u["xa_a"]], "0203 3 793 113"),
        "police_b": ([u["xa_b"]], "0203 3 881 113"),
    }
    yesterday = clock.today() - dt.timedelta(days=1)
    first = timezone.make_aware(dt.datetime.combine(yesterday, dt.time(7, 30)))
    for key, (officers, phone) in rosters.items():
        for day in range(8):
            starts = first + dt.timedelta(days=day)
            services.add_duty_shift(
                ag[key], officer=officers[day % len(officers)], phone=phone,
                starts_at=starts, ends_at=starts + dt.timedelta(days=1), actor=actor,
            )  # fmt: skip


# --- `vigil seed demo --scale N`: N more provinces' worth of directory, for benchmarks.
#
# The fast path: rows go in with ``bulk_create`` and their audit events with
# ``audit.record_many``, so the chain stays whole (``vigil audit verify`` passes)
# while 34 provinces take seconds, not the hours the per-object services would.
# Every province gets a committee with some thirty member agencies, and each of
# its real communes a committee with its people's committee and police; every
# agency one liaison account and one contact point. Only the system seeds this way.

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
