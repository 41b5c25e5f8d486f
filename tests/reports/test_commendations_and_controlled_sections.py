"""The sections on weapons, explosives and support tools, and on commendations.

AGREEMENT: the controlled section's figures are those the controlled figures page and
API show for the same reader and year (2026, ``thuongtruc``); the commendations
section lists the demo's proposals as its drafter sees them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from vigil.controlled.figures.oversight import oversight_figures
from vigil.controlled.figures.queries import period_figures
from vigil.controlled.inspections.models import Inspection
from vigil.controlled.registry.models import Store
from vigil.core.audit import CoreAction, SystemActor
from vigil.core.models import AuditEvent
from vigil.org.models import Committee
from vigil.reports.periods import period_of
from vigil.reports.sections import commendations, controlled
from vigil.reports.sections.base import Context, SectionContent

pytestmark = pytest.mark.django_db


def _ctx(viewer: Any, committee: Committee, year: int = 2026) -> Context:
    return Context(viewer=viewer, committee=committee, period=period_of("annual", year),
                   today=dt.date(2026, 11, 25))  # fmt: skip


def province() -> Committee:
    return Committee.objects.get(name__endswith="tỉnh Quảng Ninh")


def _table(content: SectionContent, key: str) -> list[list[Any]]:
    return next(t.rows for t in content.tables if t.key == key)


def test_the_controlled_figures_agree_with_the_figures_page_and_api(
    persona: Callable[[str], Any], api_for: Callable[..., Client],
    client_for: Callable[[str], Client],
) -> None:  # fmt: skip
    p = province()
    content = controlled.compute(_ctx(persona("thuongtruc"), p))
    api = (
        api_for("thuongtruc")
        .get(f"/api/v1/ledger-figures/?start=2026-01-01&end=2026-12-31&group=organisation"
             f"&committee={p.pk}")
        .json()
    )  # fmt: skip
    totals = api["totals"]
    assert totals, "the demo has ledger movements in 2026"
    rows = _table(content, "controlled_items")
    assert len(rows) == len(totals) == content.figure("items")
    for row, line in zip(rows, totals, strict=True):
        shown = line["shown"]
        assert row[0] == line["item_name"]
        assert row[2:] == [shown[c].split(" ", 1)[0]
                           for c in ("received", "used", "destroyed", "lost", "closing")]  # fmt: skip
    by_org = _table(content, "controlled_organisations")
    assert [r[0] for r in by_org] == [line["group_name"] for line in api["lines"]]
    oversight = api["oversight"]
    for key in ("inspections", "inspections_with_deficiencies", "discrepancies_found",
                "discrepancies_resolved", "discrepancies_open"):  # fmt: skip
        assert content.figure(key) == oversight[key], key
    assert content.figure("inspections") and content.figure("discrepancies_found")
    # Each figure's source is the figures page of the year and committee, which shows
    # the same counts.
    source = {f.source for f in content.figures}
    assert source == {reverse("controlled:figures") + f"?year=2026&committee={p.pk}"}
    page = client_for("thuongtruc").get(source.pop()).content.decode()
    open_cell = f'data-key="discrepancies_open">{oversight["discrepancies_open"]}<'
    assert open_cell in page
    assert content.classification == api["classification"]


def test_a_commune_counts_its_own_stores_and_another_year_has_none(
    persona: Callable[[str], Any],
) -> None:
    a = Committee.objects.get(name__endswith="đặc khu Vân Đồn")
    content = controlled.compute(_ctx(SystemActor("test"), a))
    assert all(f.source.endswith(f"&commune={a.admin_unit_id}") for f in content.figures)
    empty = controlled.compute(_ctx(persona("thuongtruc"), province(), year=2019))
    assert empty.figure("items") == 0 and empty.notes
    assert "không phát sinh" in empty.text


def test_the_commendations_section_lists_the_demo_proposals(
    persona: Callable[[str], Any],
) -> None:
    content = commendations.compute(_ctx(persona("thuongtruc"), province()))
    rows = _table(content, "commendations")
    recipients = {r[0] for r in rows}
    assert "Sở Công Thương" in recipients
    assert "Ban Chỉ đạo Phòng, chống khủng bố đặc khu Vân Đồn" in recipients
    assert any(r[0].startswith("Nguyễn Văn Minh") for r in rows)
    decided = next(r for r in rows if r[0] == "Sở Công Thương")
    assert decided[1:] == ["Giấy khen", "Trưởng Ban Chỉ đạo", "Đã quyết định", "125/QĐ-BCĐ"]
    assert content.figure("decided") == 1 and content.figure("proposed") == len(rows)
    assert ("Đề nghị Chủ tịch UBND tỉnh tặng Bằng khen cho Ban Chỉ đạo Phòng, chống khủng "
            "bố đặc khu Vân Đồn") in content.text  # fmt: skip
    assert "Quyết định số 125/QĐ-BCĐ" in content.text
    # Commune B's standing office sees none of them.
    b = Committee.objects.get(name__endswith="Móng Cái 1")
    assert commendations.compute(_ctx(persona("xa_b"), b)).figure("proposed") == 0


def test_the_controlled_section_counts_the_stores_of_its_committees_tree(
    persona: Callable[[str], Any], api_for: Callable[..., Client],
) -> None:  # fmt: skip
    p, everyone = province(), SystemActor("test")
    # A store of a committee above the province is not the province's.
    moved = Store.objects.get(name="Kho VLNCN trung tâm Cẩm Phả")
    Store.objects.filter(pk=moved.pk).update(owning_committee=p.parent)
    start, end = dt.date(2026, 1, 1), dt.date(2026, 12, 31)
    every = period_figures(everyone, start=start, end=end)
    mine = period_figures(everyone, start=start, end=end, committee=p)
    assert {line.group_id for line in every.lines("store")} - {
        line.group_id for line in mine.lines("store")
    } == {moved.pk}
    content = controlled.compute(_ctx(everyone, p))
    assert _table(content, "controlled_items") == [controlled._row(line) for line in mine.by_item]
    assert content.figure("items") == len(mine.by_item)
    assert _table(content, "controlled_organisations") == [
        controlled._row(line, group=True) for line in mine.by_organisation
    ]
    o = oversight_figures(everyone, start=start, end=end, committee=p)
    assert content.figure("inspections") == o.inspections
    assert content.figure("discrepancies_found") == o.discrepancies_found


def test_the_controlled_figures_are_as_classified_as_their_oversight(
    persona: Callable[[str], Any], api_for: Callable[..., Client],
    client_for: Callable[[str], Client],
) -> None:  # fmt: skip
    inspection = Inspection.objects.filter(date__year=2026).select_related("store").first()
    assert inspection is not None
    Inspection.objects.filter(pk=inspection.pk).update(classification=2)
    query = "start=2026-01-01&end=2026-12-31"
    before = AuditEvent.objects.filter(action=CoreAction.OBJECT_VIEWED, classification=2).count()
    body = api_for("lanhdao").get(f"/api/v1/ledger-figures/?{query}").json()
    assert body["classification"] == 2
    page = client_for("lanhdao").get(reverse("controlled:figures") + "?year=2026")
    assert page.context["classification"] == 2 and "TỐI MẬT" in page.content.decode()
    assert AuditEvent.objects.filter(action=CoreAction.OBJECT_VIEWED,
                                     classification=2).count() == before + 2  # fmt: skip
    # The organisation filter narrows the oversight too.
    org = inspection.store.owning_agency_id
    narrowed = api_for("lanhdao").get(f"/api/v1/ledger-figures/?{query}&organisation={org}")
    expected = oversight_figures(persona("lanhdao"), start=dt.date(2026, 1, 1),
                                 end=dt.date(2026, 12, 31), organisation=org)  # fmt: skip
    assert narrowed.json()["oversight"]["inspections"] == expected.inspections
    assert (
        expected.inspections
        == Inspection.objects.filter(date__year=2026, store__owning_agency_id=org).count()
    )
