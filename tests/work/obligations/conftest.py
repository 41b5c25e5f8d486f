"""A small obligation of the demo province, built through the services for each test."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from vigil.accounts.models import User
from vigil.core.audit import Actor
from vigil.org.models import Agency, Committee
from vigil.work.obligations import services, submissions
from vigil.work.obligations.models import ReportObligation, ReportSubmission
from vigil.work.obligations.services import IndicatorSpec, SectionSpec

INDICATORS = [
    IndicatorSpec("incidents", "Số vụ việc", "integer", "sum", "vụ"),
    IndicatorSpec("readiness", "Tỷ lệ sẵn sàng", "decimal", "average", "%"),
    IndicatorSpec("plans_updated", "Đã cập nhật phương án", "yes_no", "count_yes"),
    IndicatorSpec("smallest", "Số nhỏ nhất", "integer", "min", required=False),
    IndicatorSpec("largest", "Số lớn nhất", "decimal", "max", required=False),
    IndicatorSpec("proposals", "Kiến nghị", "text", "concatenate", required=False),
]
SECTIONS = [SectionSpec("situation", "Tình hình chung", required=True)]


class World:
    def __init__(self) -> None:
        self.province = Committee.objects.get(level="province")
        self.a = Committee.objects.get(name__endswith="đặc khu Vân Đồn")
        self.b = Committee.objects.get(name__endswith="phường Móng Cái 1")
        self.dit = Agency.objects.get(name="Sở Công Thương")
        self.border = Agency.objects.get(name="Bộ Chỉ huy Bộ đội Biên phòng tỉnh")
        self.police_a = Agency.objects.get(name="Công an đặc khu Vân Đồn")
        self.ubnd_a = Agency.objects.get(name="Ủy ban nhân dân đặc khu Vân Đồn")
        self.mine = Agency.objects.get(name="Công ty Cổ phần Than Demo Cẩm Phả")
        self.users = {u.username: u for u in User.objects.all()}

    def user(self, name: str) -> User:
        return self.users[name]


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Messages are matched in English here; pages (Vietnamese by default) in Vietnamese."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def world(db: None) -> World:
    return World()


@pytest.fixture
def make_obligation(world: World) -> Callable[..., ReportObligation]:
    def make(**overrides: Any) -> ReportObligation:
        values: dict[str, Any] = {
            "title": "Báo cáo thử",
            "period_kind": "monthly",
            "starts_on": dt.date(2026, 1, 1),
            "due_rule": "day_of_next_month",
            "due_day": 20,
            "agencies": [world.dit, world.border],
            "committees": [world.a, world.b],
            "indicators": INDICATORS,
            "sections": SECTIONS,
            "actor": world.user("thuongtruc"),
        }
        values.update(overrides)
        committee = values.pop("committee", world.province)
        return services.create_obligation(committee, **values)

    return make


def by_unit(period: Any) -> dict[Any, ReportSubmission]:
    """The period's submissions keyed by their agency or committee."""
    return {s.unit: s for s in period.submissions.select_related("agency", "committee")}


def report(
    sub: ReportSubmission, actor: Actor, values: dict[str, Any], text: str = "Ổn định."
) -> None:
    submissions.save_draft(
        sub, values=values, narrative={"situation": text}, revision=None, actor=actor
    )
    submissions.submit(sub, actor=actor)


def editor_rows(
    indicators: list[tuple[Any, ...]], sections: list[tuple[Any, ...]] | None = None
) -> dict[str, Any]:
    """The POST of the template editor's rows: indicators as (code, label, kind,
    aggregation[, unit[, required[, help]]]), sections as (code, title[, required[, help]])."""
    data: dict[str, Any] = {}
    for prefix, rows, names in (
        ("indicators", indicators, ("code", "label", "kind", "aggregation", "unit", "required",
                                    "help_text")),
        ("sections", sections or [], ("code", "title", "required", "help_text")),
    ):  # fmt: skip
        data[f"{prefix}-TOTAL_FORMS"] = str(len(rows))
        data[f"{prefix}-INITIAL_FORMS"] = str(len(rows))
        for i, row in enumerate(rows):
            for name, value in zip(names, row, strict=False):
                if name != "required":
                    data[f"{prefix}-{i}-{name}"] = value
                elif value:
                    data[f"{prefix}-{i}-{name}"] = "on"
            if prefix == "indicators" and len(row) < 6:
                data[f"{prefix}-{i}-required"] = "on"  # the editor's default for a new row
    return data
