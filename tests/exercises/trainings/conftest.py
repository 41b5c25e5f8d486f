"""The demo trainings (vigil/exercises/trainings/demo.py), found by topic."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from vigil.exercises.trainings.demo import (
    COMMUNE_A_TRAINING,
    COMMUNE_B_TRAINING,
    PROVINCE_TRAINING,
)
from vigil.exercises.trainings.models import Training
from vigil.org.models import Agency, Committee

TOPICS = {"province": PROVINCE_TRAINING, "a": COMMUNE_A_TRAINING, "b": COMMUNE_B_TRAINING}
AGENCIES = {
    "police": "Công an tỉnh Quảng Ninh", "police_a": "Công an đặc khu Vân Đồn",
    "police_b": "Công an phường Móng Cái 1", "dit": "Sở Công Thương",
    "border": "Bộ Chỉ huy Bộ đội Biên phòng tỉnh", "airport": "Cảng hàng không quốc tế Vân Đồn",
}  # fmt: skip


@pytest.fixture
def trainings(db: None) -> dict[str, Training]:
    return {key: Training.objects.get(topic=topic) for key, topic in TOPICS.items()}


@pytest.fixture
def agency(db: None) -> Callable[[str], Agency]:
    def get(key: str) -> Agency:
        return Agency.objects.get(name=AGENCIES[key])

    return get


@pytest.fixture
def committee(db: None) -> Callable[[str], Committee]:
    def get(key: str) -> Committee:
        if key == "province":
            return Committee.objects.get(level=Committee.Level.PROVINCE)
        suffix = {"a": "đặc khu Vân Đồn", "b": "phường Móng Cái 1"}[key]
        return Committee.objects.get(name__endswith=suffix)

    return get


def last_audit(action: str, obj: Any) -> Any:
    from vigil.core.models import AuditEvent

    return AuditEvent.objects.filter(action=action, object_id=str(obj.pk)).order_by("-seq").first()
