from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.utils import translation
from docx import Document

from vigil.core import clock
from vigil.org.models import Agency, Committee
from vigil.situation.incidents.models import (
    Incident,
    IncidentEvent,
    IncidentState,
    IncidentType,
)


@pytest.fixture(autouse=True)
def _vietnamese_messages() -> Iterator[None]:
    """Refusals are read in the user's language: Vietnamese."""
    with translation.override("vi"):
        yield


def commune_a() -> Committee:
    committee = Agency.objects.get(name="Công an đặc khu Vân Đồn").committee
    assert committee is not None
    return committee


def province() -> Committee:
    return Committee.objects.get(level=Committee.Level.PROVINCE)


@pytest.fixture
def make_incident(db: None) -> Callable[..., Incident]:
    """An incident made with the model (the incident services are written in parallel)."""

    def make(
        *, committee: Committee | None = None, state: str = IncidentState.VERIFIED,
        classification: int = 0, is_exercise: bool = False, title: str = "Đe dọa đánh bom "
        "tại cảng hàng không Vân Đồn", **fields: Any,
    ) -> Incident:  # fmt: skip
        committee = committee or commune_a()
        agency = Agency.objects.filter(committee=committee, kind=Agency.Kind.POLICE).first()
        assert agency is not None
        now = clock.now()
        incident = Incident.objects.create(
            owning_committee=committee, owning_agency=agency, classification=classification,
            title=title, type=IncidentType.BOMB_THREAT, description="Nhận tin báo qua điện "
            "thoại lúc 07 giờ 40 phút.\nĐã phong tỏa khu vực nhà ga.",
            occurred_at=now - dt.timedelta(minutes=80), reported_at=now - dt.timedelta(hours=1),
            place="Nhà ga T1", reporting_agency=agency, state=state, dead=0, injured=2,
            evacuated=350, forces="Công an đặc khu: 40 cán bộ\nĐội xử lý bom mìn",
            measures="Sơ tán hành khách\nPhong tỏa bán kính 300 m", is_exercise=is_exercise,
            verified_at=now if state != IncidentState.REPORTED else None, **fields,
        )  # fmt: skip
        IncidentEvent.objects.create(
            incident=incident, from_state="", to_state=IncidentState.REPORTED,
            at=now - dt.timedelta(hours=1), actor_label="test",
        )  # fmt: skip
        if state != IncidentState.REPORTED:
            IncidentEvent.objects.create(
                incident=incident, from_state=IncidentState.REPORTED, to_state=state,
                at=now, actor_label="test",
            )  # fmt: skip
        return incident

    return make


def docx_text(data: bytes) -> str:
    """Every paragraph of the .docx, the header table's cells included."""
    doc = Document(io.BytesIO(data))
    lines = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                lines += [p.text for p in cell.paragraphs]
    return "\n".join(lines)
