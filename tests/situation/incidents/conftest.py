"""The demo incidents (vigil/situation/incidents/demo.py), seeded in each test's
transaction until the demo seed calls ``seed_incidents`` itself."""

from __future__ import annotations

from typing import cast

import pytest

from vigil.core.audit import SystemActor
from vigil.org.demo import OrgWorld
from vigil.org.models import Agency, Committee
from vigil.situation.incidents.demo import TITLES, seed_incidents
from vigil.situation.incidents.models import Incident

AGENCIES = {
    "police": "Công an tỉnh Quảng Ninh", "police_a": "Công an đặc khu Vân Đồn",
    "police_b": "Công an phường Móng Cái 1", "border": "Bộ Chỉ huy Bộ đội Biên phòng tỉnh",
    "dit": "Sở Công Thương", "military": "Bộ Chỉ huy Quân sự tỉnh",
    "airport": "Cảng hàng không quốc tế Vân Đồn",
}  # fmt: skip


def org_world() -> OrgWorld:
    committees = {
        "province": Committee.objects.get(level=Committee.Level.PROVINCE),
        "a": Committee.objects.get(name__endswith="đặc khu Vân Đồn"),
        "b": Committee.objects.get(name__endswith="phường Móng Cái 1"),
    }
    agencies = {key: Agency.objects.get(name=name) for key, name in AGENCIES.items()}
    return OrgWorld(committees=committees, agencies=agencies)


@pytest.fixture
def incidents(db: None) -> dict[str, Incident]:
    """The demo incidents by key: the seed's, or seeded now (rolled back after the test)."""
    found = {key: Incident.objects.filter(title=title).first() for key, title in TITLES.items()}
    if all(found.values()):
        return cast(dict[str, Incident], found)
    return seed_incidents(org_world(), SystemActor("seed"))
