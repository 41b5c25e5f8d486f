"""The home page as a morning briefing: each figure equals the rows of the list it links
to, panels come in the order of the user's roles, the heading names the user's own
committee or organisation, and who is on duty can be called with one tap."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import lxml.html
import pytest
import time_machine
from django.test import Client

from vigil.core import clock
from vigil.home.views import SUMMARIES, ordered, role_keys
from vigil.org.scope import scope_for

pytestmark = pytest.mark.django_db

PERSONAS = [
    "lanhdao", "thuongtruc", "congthuong", "bienphong", "xa_a", "xa_b",
    "kiemtoan", "kho_mo", "quantri",
]  # fmt: skip


def rows_listed(client: Client, url: str) -> int:
    """How many rows the linked list shows, counted by iterating them (not by COUNT:
    SQLite once miscounted where iterating was right; see DESIGN.md)."""
    response = client.get(url)
    assert response.status_code == 200, url
    context = response.context
    if url.endswith("#locked"):
        return len(context["locked"])
    page = context.get("page")
    if url.startswith("/audit/"):  # reading the log is logged: the count taken in the request
        assert page is not None
        return int(page.paginator.count)
    if page is not None and hasattr(page, "paginator"):
        return len(list(page.paginator.object_list))
    return len(context["rows"])


def shown_by_link(client: Client, item: dict[str, Any]) -> int:
    """What the linked page shows for a figure that is not a list's length: a store's
    percent of a capacity (the store page), the stores whose inspection is due (each
    store's page names its next inspection), the units late in a period (the period's
    consolidation lists every unit and its state)."""
    from vigil.controlled.catalogue.models import ItemClass
    from vigil.controlled.summary import INSPECTION_DAYS
    from vigil.work.obligations.models import OPEN_STATES

    counts = item.get("counts")
    if counts is None:
        return rows_listed(client, item["url"])
    response = client.get(item["url"])
    assert response.status_code == 200, item["url"]
    context = response.context
    if counts == "capacity":
        label = ItemClass(item["item_class"]).label
        return int(next(t["percent"] for t in context["totals"] if t["item_class"] == label))
    if counts == "top_risk":  # the register's first row, highest risk first
        return int(context["rows"][0][0].latest_risk or 0) if context["rows"] else 0
    if counts == "late_units":
        assert context["late"]
        return sum(1 for u in context["units"] if u["row"].state in OPEN_STATES)
    if counts == "discrepancies":  # the count list shows the open ones first
        return len(context["pending"])
    if counts == "blasts":  # the blasts that do not balance
        return rows_listed(client, item["url"])
    if counts == "to_draft":  # the reports list names the annual summaries still to draft
        return len(context["to_draft"])
    if counts == "exercise_figures":  # the figures page shows the same figure
        return int(getattr(context["figures"], item["figure"]))
    assert counts == "stores"
    today = clock.today()
    for pk in item["stores"]:
        page = client.get(f"/controlled/stores/{pk}/").context
        due = page["inspections"][0].next_due
        assert due <= today + dt.timedelta(days=INSPECTION_DAYS)
        assert (due < today) == (item["urgency"] == "overdue")
    if len(item["stores"]) != 1:
        assert {r["store"].pk for r in context["rows"]} >= set(item["stores"])
    return len(item["stores"])


@pytest.mark.parametrize("username", PERSONAS)
def test_every_figure_equals_the_list_it_links_to(
    username: str, persona: Callable[[str], Any], client_for: Callable[[str], Client]
) -> None:
    user, client = persona(username), client_for(username)
    checked = 0
    for summary in SUMMARIES:
        for item in summary(user)["items"]:
            if item["url"] is None:
                continue
            assert item["value"] == shown_by_link(client, item), (item["label"], item["url"])
            checked += 1
    assert checked >= 1


def test_the_figures_are_not_all_zero(persona: Callable[[str], Any]) -> None:
    """The equality above means something: the demo gives the issuing side work to count."""
    user = persona("thuongtruc")
    values = [i["value"] for s in SUMMARIES for i in s(user)["items"] if i.get("urgency")]
    assert sum(values) >= 1


def test_an_overdue_task_shows_red_on_the_agencys_home(
    client_for: Callable[[str], Client], persona: Callable[[str], Any]
) -> None:
    from vigil.work.summary import summary_for

    later = clock.now() + dt.timedelta(days=400)  # every demo deadline has passed by then
    with time_machine.travel(later, tick=False):
        items = summary_for(persona("congthuong"))["items"]
        overdue = next(i for i in items if i.get("urgency") == "overdue")
        assert overdue["value"] >= 1
        doc = lxml.html.fromstring(client_for("congthuong").get("/").content.decode())
        link = doc.xpath(f"//a[@href='{overdue['url']}']")[0]
        assert link.getparent().get("class") == "overdue"
    doc = lxml.html.fromstring(client_for("bienphong").get("/").content.decode())
    assert doc.xpath("//ul[@class='figures']/li[@class='zero']")  # zeros are neutral


def panel_titles(client: Client) -> list[str]:
    doc = lxml.html.fromstring(client.get("/").content.decode())
    return [h.text_content() for h in doc.xpath("//section[@class='panel']/h2")]


def test_panels_come_in_the_order_of_the_users_roles(client_for: Callable[[str], Client]) -> None:
    assert panel_titles(client_for("kho_mo")) == ["Vật liệu nổ"]
    assert panel_titles(client_for("quantri"))[0] == "Quản trị"
    assert panel_titles(client_for("thuongtruc"))[:2] == ["Công tác của Ban Chỉ đạo", "Báo cáo"]
    assert "Danh bạ" not in panel_titles(client_for("thuongtruc"))  # the menu has it


def test_roles_read_as_the_briefing_orders_them(persona: Callable[[str], Any]) -> None:
    assert role_keys(persona("xa_a")) == ["commune"]
    assert role_keys(persona("kho_mo")) == ["storekeeper"]
    panels: list[dict[str, Any]] = [
        {"roles": ()},
        {"roles": ("administrator",)},
        {"roles": ("commune",)},
    ]
    assert ordered(panels, ["commune", "administrator"]) == [panels[2], panels[1], panels[0]]


def test_the_heading_names_the_users_committee_or_organisation(
    client_for: Callable[[str], Client],
) -> None:
    def heading(username: str) -> str:
        doc = lxml.html.fromstring(client_for(username).get("/").content.decode())
        return str(doc.xpath("//h1")[0].text_content())

    assert heading("lanhdao").endswith("tỉnh Quảng Ninh")
    assert "toàn tỉnh" not in heading("xa_a") and "tỉnh Quảng Ninh" not in heading("xa_a")
    assert heading("congthuong") == "Sở Công Thương"
    from vigil.accounts.models import User
    from vigil.org.scope import primary_membership

    member = primary_membership(User.objects.get(username="kho_mo"))
    assert member is not None and heading("kho_mo") == member.agency.name


def test_the_officer_on_duty_can_be_called_from_home(
    client_for: Callable[[str], Client], persona: Callable[[str], Any]
) -> None:
    from vigil.org.models import DutyShift

    shift = (
        DutyShift.objects.filter(starts_at__lte=clock.now(), ends_at__gt=clock.now())
        .select_related("agency")
        .first()
    )
    assert shift is not None, "the demo rosters somebody on duty today"
    member = next(u for u in PERSONAS if shift.agency_id in scope_for(persona(u)).agency_ids)
    doc = lxml.html.fromstring(client_for(member).get("/").content.decode())
    tel = doc.xpath("//ul[@class='duty']//a[@class='tel']/@href")
    assert f"tel:{shift.phone.replace(' ', '')}" in tel
