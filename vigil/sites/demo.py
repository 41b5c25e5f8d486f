"""Demo data: key sites in communes A and B and at province level, their plans in
every state of the workflow and of freshness, and a risk history. Written by the
seed's system actor through the services, around the demo's today.

Scope cases (SCOPE-CASES.md) they stand for: the seaport is case 3 (the province's,
unclassified) and its second plan case 6 (Tối mật); the airport case 1 (commune A);
the market of Móng Cái case 2 (commune B, Mật); the border gate case 7 (the province's,
the Border Guard responsible, Mật); the coal mine case 8 (the mine's, shared with DIT).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from vigil.core import clock
from vigil.core.audit import SystemActor
from vigil.core.classification import Classification as C
from vigil.core.models import AdminUnit
from vigil.org.demo import OrgWorld
from vigil.sites import services
from vigil.sites.categories import SEEDED
from vigil.sites.models import KeySite, Plan, ScenarioType, SiteCategory

SEAPORT = "Cảng tàu khách quốc tế Hạ Long"
AIRPORT = "Cảng hàng không quốc tế Vân Đồn"
MARKET = "Chợ Trung tâm Móng Cái"
BORDER_GATE = "Cửa khẩu quốc tế Móng Cái"
COAL_MINE = "Mỏ than Demo Cẩm Phả"
CASE_6_PLAN = "KB-CB 02"  # case 6

SECTIONS = {
    "situation": "Mục tiêu có lượng khách lớn; tình huống giả định: đối tượng đe dọa đặt bom.",
    "command": "Ban Chỉ huy tại chỗ do Phó Giám đốc Công an tỉnh làm Trưởng ban.",
    "forces": "Công an, Quân sự, Biên phòng, Y tế theo phân công tại phụ lục.",
    "communications": "Liên lạc qua tổng đài 113 và mạng vô tuyến chuyên dụng.",
    "cordon": "Phong tỏa bán kính 300 m; sơ tán hành khách theo hai lối thoát.",
    "medical": "Hai kíp cấp cứu trực tại chỗ; bệnh viện tuyến tỉnh tiếp nhận.",
    "public_information": "Người phát ngôn của Ban Chỉ đạo thông tin cho báo chí.",
    "recovery": "Khôi phục hoạt động sau khi rà phá, kiểm tra an toàn.",
}


def _category(code: str) -> SiteCategory:
    """A seeded category; created again if the table was emptied since the migration
    seeded it (a test database flushed between tests, as admin units are re-imported)."""
    order, name = next((n, name) for n, (c, name) in enumerate(SEEDED, start=1) if c == code)
    category, _created = SiteCategory.objects.get_or_create(
        code=code, defaults={"name": name, "order": order * 10}
    )
    return category


def _approved(plan: Plan, decision: str, on: dt.date, actor: SystemActor) -> None:
    version = services.add_version(plan, sections=None if plan.versions.exists() else SECTIONS,
                                   actor=actor)  # fmt: skip
    services.submit_version(version, actor=actor)
    services.approve_version(version, decision_number=decision, approved_on=on, actor=actor)


def seed_sites(world: OrgWorld, actor: SystemActor) -> dict[str, KeySite]:
    c, ag = world.committees, world.agencies
    today = clock.today()
    unit = {code: AdminUnit.objects.get(code=code) for code in ("06673", "06994", "06712", "06793")}

    def site(committee: str, name: str, category: str, **kw: Any) -> KeySite:
        return services.create_site(c[committee], name=name, category=_category(category),
                                    actor=actor, **kw)  # fmt: skip

    sites = {
        "seaport": site("province", SEAPORT, "seaport", responsible_agency=ag["police"],
                        commune=unit["06673"], owner_name="Công ty CP Cảng Demo Quảng Ninh",
                        address="Đường Hạ Long, phường Bãi Cháy", latitude="20.953400",
                        longitude="107.063100", criticality=5),
        "airport": site("a", AIRPORT, "airport", responsible_agency=ag["airport"],
                        commune=unit["06994"], owner_name="Cảng hàng không quốc tế Vân Đồn",
                        address="Xã Đoàn Kết cũ, đặc khu Vân Đồn", latitude="21.117800",
                        longitude="107.414200", criticality=5),
        "market": site("b", MARKET, "mass_gathering", responsible_agency=ag["police_b"],
                       commune=unit["06712"], address="Phường Móng Cái 1",
                       latitude="21.527100", longitude="107.966300", criticality=3,
                       classification=C.CONFIDENTIAL),
        "border": site("province", BORDER_GATE, "border_gate", responsible_agency=ag["border"],
                       commune=unit["06712"], address="Cầu Bắc Luân II, Móng Cái",
                       latitude="21.533600", longitude="107.967500", criticality=5,
                       classification=C.CONFIDENTIAL),
        "mine": site("province", COAL_MINE, "coal_mine", responsible_agency=ag["dit"],
                     owning_agency=ag["mine"], shared_agencies=[ag["dit"]],
                     commune=unit["06793"], owner_name=ag["mine"].name,
                     latitude="21.030500", longitude="107.302000", criticality=4),
    }  # fmt: skip
    _plans(world, sites, today, actor)
    _risks(world, sites, today, actor)
    return sites


def _plans(w: OrgWorld, s: dict[str, KeySite], today: dt.date, actor: SystemActor) -> None:
    c = w.committees
    month = dt.timedelta(days=30)
    # The seaport: v1 superseded by v2, approved 13 months ago: overdue.
    seaport = services.create_plan(
        c["province"], code_name="KB-CB 01", title="Phương án xử lý tình huống khủng bố tại cảng",
        sites=[s["seaport"]], actor=actor,
        scenario_types=[ScenarioType.BOMB_THREAT, ScenarioType.HIJACKING],
    )  # fmt: skip
    _approved(seaport, "112/QĐ-BCĐ", today - 25 * month, actor)
    _approved(seaport, "87/QĐ-BCĐ", today - 13 * month, actor)
    # Its Tối mật companion (case 6): current.
    secret = services.create_plan(
        c["province"], code_name=CASE_6_PLAN, title="Phương án bảo vệ mục tiêu đặc biệt",
        sites=[s["seaport"]], classification=C.SECRET, scenario_types=[ScenarioType.CBRN],
        actor=actor,
    )  # fmt: skip
    _approved(secret, "15/QĐ-BCĐ", today - 2 * month, actor)
    # The airport (commune A): approved 11.5 months ago, review due.
    airport = services.create_plan(
        c["a"], code_name="KB-SB 01", title="Phương án chống khủng bố tại Cảng hàng không",
        sites=[s["airport"]], actor=actor,
        scenario_types=[ScenarioType.HIJACKING, ScenarioType.DRONE, ScenarioType.ARMED_ATTACK],
    )  # fmt: skip
    _approved(airport, "20/QĐ-BCĐ", today - 345 * dt.timedelta(days=1), actor)
    # The market (commune B, Mật): v1 returned, v2 waiting for approval.
    market = services.create_plan(
        c["b"], code_name="KB-MC 01", title="Phương án bảo vệ nơi tập trung đông người",
        sites=[s["market"]], classification=C.CONFIDENTIAL, actor=actor,
        scenario_types=[ScenarioType.BOMB_THREAT, ScenarioType.ARMED_ATTACK],
    )  # fmt: skip
    first = services.add_version(market, sections=SECTIONS, actor=actor)
    services.submit_version(first, actor=actor)
    services.return_version(first, comments="Bổ sung phương án sơ tán vào ngày phiên chợ.",
                            actor=actor)  # fmt: skip
    services.submit_version(services.add_version(market, actor=actor), actor=actor)
    # The border gate (Mật): approved, then a drill found a gap: revision required.
    border = services.create_plan(
        c["province"], code_name="KB-CK 01", title="Phương án chống khủng bố tại cửa khẩu",
        sites=[s["border"]], classification=C.CONFIDENTIAL, actor=actor,
        scenario_types=[ScenarioType.ARMED_ATTACK, ScenarioType.HOSTAGE],
    )  # fmt: skip
    _approved(border, "45/QĐ-BCĐ", today - 4 * month, actor)
    services.require_revision(
        border, reason="Diễn tập cho thấy phương án chưa có lực lượng dự bị.", actor=actor
    )
    # The coal mine: a first draft only, never approved.
    mine = services.create_plan(
        c["province"], code_name="KB-MT 01", title="Phương án bảo vệ kho vật liệu nổ mỏ than",
        sites=[s["mine"]], actor=actor, scenario_types=[ScenarioType.EXPLOSIVES_THEFT],
        owning_agency=w.agencies["mine"], shared_agencies=[w.agencies["dit"]],
    )  # fmt: skip
    services.add_version(mine, sections=SECTIONS, actor=actor)


RISKS = {  # site: (threat, vulnerability, consequence), the latest last
    "seaport": [(3, 3, 5), (4, 3, 5)],
    "border": [(4, 4, 4)],
    "airport": [(3, 3, 5)],
    "market": [(3, 4, 3)],
    "mine": [(2, 3, 3)],
}


def _risks(w: OrgWorld, s: dict[str, KeySite], today: dt.date, actor: SystemActor) -> None:
    police = w.agencies["police"]
    for key, history in RISKS.items():
        for age, (t, v, c) in zip(range(len(history) - 1, -1, -1), history, strict=True):
            services.record_assessment(
                s[key], threat=t, vulnerability=v, consequence=c,
                threat_rationale="Đánh giá của Công an tỉnh theo tình hình chung.",
                vulnerability_rationale="Lối ra vào nhiều, kiểm soát chưa đồng bộ.",
                consequence_rationale="Thiệt hại lớn về người và tài sản nếu xảy ra.",
                assessor_agency=police, assessed_on=today - dt.timedelta(days=180 * age + 10),
                actor=actor,
            )  # fmt: skip
