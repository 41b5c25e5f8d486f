"""The report's "situation", "key sites and plans" and "situation handling" sections:
each figure is the figure the app's own figures page and API show to the same reader for
the same committee and period (the AGREEMENT); a classified object counted makes the
section classified; a year without data drafts with notes; the text names no one."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest

from vigil.core.audit import SystemActor
from vigil.core.models import AdminUnit
from vigil.org.models import Committee
from vigil.reports.periods import period_of
from vigil.reports.sections import incidents, limitations, sites, situation
from vigil.reports.sections.base import Context, SectionContent
from vigil.situation.incidents.models import Incident
from vigil.situation.incidents.services import open_incident

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 25)
SECTIONS = {"situation": situation, "sites": sites, "incidents": incidents}
# Each figures page and the API endpoint with the same query.
API = {"/sites/figures/": "/api/v1/site-figures/",
       "/situation/figures/": "/api/v1/situation-figures/"}  # fmt: skip


# A figure's cell in a page's table: <td class="number" data-key="…">…</td>.
CELL = re.compile(r'data-key="([a-z_0-9]+)">([^<]*)<')


def committee(suffix: str) -> Committee:
    return Committee.objects.get(name__endswith=suffix)


def province() -> Committee:
    return committee("tỉnh Quảng Ninh")


def content(
    key: str, user: Any, of: Committee, kind: str = "annual", year: int = 2026, part: int = 0
) -> SectionContent:
    ctx = Context(viewer=user, committee=of, period=period_of(kind, year, part), today=TODAY)
    result: SectionContent = SECTIONS[key].compute(ctx)
    return result


@pytest.mark.parametrize(
    ("username", "suffix", "kind", "part"),
    [
        ("thuongtruc", "tỉnh Quảng Ninh", "annual", 0),
        ("lanhdao", "tỉnh Quảng Ninh", "annual", 0),
        ("thuongtruc", "tỉnh Quảng Ninh", "quarterly", 4),
        ("xa_a", "đặc khu Vân Đồn", "annual", 0),
    ],
)
def test_every_figure_is_what_the_page_and_the_api_show(
    persona: Callable[[str], Any], client_for: Callable[[str], Any],
    api_for: Callable[..., Any], username: str, suffix: str, kind: str, part: int,
) -> None:  # fmt: skip
    user, of = persona(username), committee(suffix)
    page_client, api_client = client_for(username), api_for(username)
    pages: dict[str, Any] = {}
    compared = 0
    for key in SECTIONS:
        section = content(key, user, of, kind, 2026, part)
        assert section.figures, key
        for figure in section.figures:
            assert figure.source, (key, figure.key)
            if figure.source not in pages:
                page = page_client.get(figure.source)
                assert page.status_code == 200
                parts = urlsplit(figure.source)
                api = api_client.get(f"{API[parts.path]}?{parts.query}")
                assert api.status_code == 200
                cells = dict(CELL.findall(page.content.decode()))
                pages[figure.source] = (page.context["figures"], api.json(), cells)
            shown, data, cells = pages[figure.source]
            assert getattr(shown, figure.key) == figure.value, (key, figure.key)
            if isinstance(figure.value, int):  # the number printed in the page's table
                assert cells[figure.key] == str(figure.value), (key, figure.key)
            assert data[figure.key] == figure.value, (key, figure.key)
            compared += 1
    assert compared >= 30
    # The query names the period and the committee.
    query = urlsplit(next(iter(pages))).query
    assert f"committee={of.pk}" in query and "year=2026" in query
    assert ("period=q4" in query) == (kind == "quarterly")


def test_the_demo_year_drafts_in_the_reports_words(persona: Callable[[str], Any]) -> None:
    user = persona("thuongtruc")
    found = {key: content(key, user, province()) for key in SECTIONS}
    assert "không xảy ra vụ khủng bố" in found["situation"].text
    assert "tỉnh Quảng Ninh" in found["situation"].text
    assert found["situation"].figure("incidents_terrorist") == 0
    # Harm is said only where there was some: the demo's incidents injured people, killed none.
    assert found["situation"].figure("dead") == 0 and found["situation"].figure("injured")
    assert "người bị thương" in found["situation"].text
    assert "người chết" not in found["situation"].text
    assert "phương án" in found["sites"].text
    assert found["sites"].charts and found["sites"].charts[0].key == "plans_by_state"
    assert found["incidents"].charts and "cảnh báo" in found["incidents"].text
    # Aggregates only: no incident's title, no person.
    titles = list(Incident.objects.values_list("title", flat=True))
    for section in found.values():
        assert not any(title in section.text for title in titles)
    # The limitations read the keys these sections give.
    ctx = Context(viewer=user, committee=province(), period=period_of("annual", 2026),
                  today=TODAY, earlier=found)  # fmt: skip
    said = limitations.compute(ctx).text
    for key, sentence in (("plans_overdue", "quá hạn rà soát"),
                          ("plans_revision_required", "phải sửa đổi"),
                          ("alerts_unacknowledged", "chưa xác nhận cảnh báo")):  # fmt: skip
        value = found["incidents" if key.startswith("alerts") else "sites"].figure(key)
        assert isinstance(value, int) and value > 0, key
        assert sentence in said, key


def _incident(at: dt.datetime, **extra: Any) -> Incident:
    return open_incident(
        province(), actor=SystemActor("test"), title="Vụ thử nghiệm bí mật", occurred_at=at,
        commune=AdminUnit.objects.filter(kind=AdminUnit.Kind.COMMUNE).first(), **extra,
    )  # fmt: skip


def test_a_year_without_data_drafts_with_notes(persona: Callable[[str], Any]) -> None:
    user = persona("thuongtruc")
    found = {key: content(key, user, province(), year=2019) for key in SECTIONS}
    assert "Năm 2019, trên địa bàn tỉnh Quảng Ninh không xảy ra vụ khủng bố." in (
        found["situation"].text
    )
    assert "chưa có số liệu" in found["sites"].text.lower()
    assert "không phát sinh vụ việc" in found["incidents"].text
    for section in found.values():
        assert section.notes and section.classification == 0
        assert section.empty


def test_a_classified_incident_counted_makes_the_sections_classified(
    persona: Callable[[str], Any],
) -> None:
    user = persona("thuongtruc")
    _incident(dt.datetime(2019, 5, 1, 9, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")),
              type="terrorist_incident", classification=1, dead=1)  # fmt: skip
    found = {key: content(key, user, province(), year=2019) for key in ("situation", "incidents")}
    assert found["situation"].classification == found["incidents"].classification == 1
    assert "xảy ra 1 vụ khủng bố" in found["situation"].text
    assert "bí mật" not in found["situation"].text + found["incidents"].text
    # Another committee's report does not count it.
    other = content("situation", user, committee("đặc khu Vân Đồn"), year=2019)
    assert other.classification == 0 and other.figure("incidents") == 0
