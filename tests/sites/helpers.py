"""Shared set-up of the sites tests, built through the services."""

from __future__ import annotations

from vigil.core.audit import Actor, SystemActor
from vigil.org.models import Agency, Committee
from vigil.sites import services
from vigil.sites.models import KeySite, Plan, PlanVersion, SiteCategory

SYSTEM = SystemActor("test")
SECTIONS = {"situation": "Tình huống giả định: đe dọa đặt bom tại nhà ga."}


def province() -> Committee:
    return Committee.objects.get(name__endswith="tỉnh Quảng Ninh")


def commune_a() -> Committee:
    return Committee.objects.get(name__endswith="đặc khu Vân Đồn")


def police() -> Agency:
    return Agency.objects.get(name="Công an tỉnh Quảng Ninh")


def new_site(name: str = "Nhà ga thử", committee: Committee | None = None, **kw: object) -> KeySite:
    committee = committee or province()
    kw.setdefault("responsible_agency", committee.standing_agency)
    return services.create_site(
        committee, name=name, category=SiteCategory.objects.get(code="other"), actor=SYSTEM,
        **kw,
    )  # fmt: skip


def new_plan(code_name: str = "KB-TH 01", **kw: object) -> Plan:
    site = new_site(f"Mục tiêu của {code_name}")
    return services.create_plan(
        site.owning_committee, code_name=code_name, sites=[site], actor=SYSTEM,
        **kw,  # type: ignore[arg-type]
    )  # fmt: skip


def submitted(plan: Plan, author: Actor = SYSTEM) -> PlanVersion:
    version = services.add_version(plan, sections=SECTIONS, actor=author)
    return services.submit_version(version, actor=author)
