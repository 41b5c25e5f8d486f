"""An alert in the inbox (priority, Acknowledge), the home panel and the picture:
exercises never counted in the real figures."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import lxml.html
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.situation.alerts.helpers import agency, draft, issued
from vigil.core import clock
from vigil.inbox.delivery import deliver_pending
from vigil.situation.summary import summary_for

pytestmark = pytest.mark.django_db


def _deliver() -> None:
    deliver_pending(clock.now(), mail=False)


def test_an_alert_in_the_inbox_has_a_priority_and_an_acknowledge_button(
    client_for: Callable[[str], Client],
) -> None:
    alert = issued()
    _deliver()
    client = client_for("congthuong")
    inbox = reverse("inbox:index")
    doc = lxml.html.fromstring(client.get(inbox).content.decode())
    ack = reverse("situation:alert_acknowledge", kwargs={"pk": alert.pk})
    rows = doc.xpath(f"//tr[.//form[@action='{ack}']]")
    assert len(rows) == 1 and "priority-high" in rows[0].get("class")
    assert rows[0].xpath(".//button[contains(@class,'acknowledge')]")
    response = client.post(ack, {"next": inbox})
    assert response.status_code == 302 and response["Location"] == inbox
    assert alert.deliveries.get(agency=agency("SCT")).acknowledged_at is not None
    doc = lxml.html.fromstring(client.get(inbox + "?state=all").content.decode())
    assert not doc.xpath(f"//form[@action='{ack}']")  # acknowledged: the button is gone


def test_the_inbox_costs_one_query_for_its_alerts(client_for: Callable[[str], Client]) -> None:
    client = client_for("congthuong")
    issued()
    _deliver()
    client.get(reverse("inbox:index"))

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            client.get(reverse("inbox:index"))
        return len(ctx.captured_queries)

    before = count()
    for _ in range(3):
        issued()
    _deliver()
    assert count() == before


URLS = {
    "alerts awaiting my agency": "awaiting=ack",
    "alerts awaiting my approval": "awaiting=approval",
}


def _item(user: Any, start: str) -> dict[str, Any]:
    return next(i for i in summary_for(user)["items"] if URLS[start] in i["url"])


def test_the_home_panel_counts_real_alerts_only(persona: Callable[[str], Any]) -> None:
    congthuong, lanhdao = persona("congthuong"), persona("lanhdao")
    ack_before = _item(congthuong, "alerts awaiting my agency")["value"]
    approve_before = _item(lanhdao, "alerts awaiting my approval")["value"]
    issued(cap_status="Exercise")
    draft(cap_status="Exercise")
    assert _item(congthuong, "alerts awaiting my agency")["value"] == ack_before
    assert _item(lanhdao, "alerts awaiting my approval")["value"] == approve_before
    issued()
    draft()
    assert _item(congthuong, "alerts awaiting my agency")["value"] == ack_before + 1
    assert _item(lanhdao, "alerts awaiting my approval")["value"] == approve_before + 1
    # The drafter does not approve their own draft.
    assert _item(persona("thuongtruc"), "alerts awaiting my approval")["value"] == 0


def test_the_committee_head_sees_the_situation_first(client_for: Callable[[str], Client]) -> None:
    issued()
    doc = lxml.html.fromstring(client_for("lanhdao").get("/").content.decode())
    assert doc.xpath("//section[@class='panel']/h2")[0].text_content() == "Tình hình"


def test_the_figures_equal_the_lists_they_link_to(
    persona: Callable[[str], Any], client_for: Callable[[str], Client]
) -> None:
    issued(), issued(cap_status="Exercise"), draft()
    for username in ("lanhdao", "thuongtruc", "congthuong", "xa_a", "xa_b"):
        client = client_for(username)
        for item in summary_for(persona(username))["items"]:
            context = client.get(item["url"]).context
            page = context.get("page")
            shown = (
                len(list(page.paginator.object_list)) if page is not None else len(context["rows"])
            )
            assert item["value"] == shown, (username, item["label"])


def test_the_picture_keeps_exercises_apart(client_for: Callable[[str], Client]) -> None:
    real, drill = issued(), issued(cap_status="Exercise")
    response = client_for("lanhdao").get(reverse("situation:picture"))
    assert response.status_code == 200
    context = response.context
    assert real.pk in {a.pk for a, _p in context["real"].alerts}
    assert drill.pk not in {a.pk for a, _p in context["real"].alerts}
    assert drill.pk in {a.pk for a, _p in context["exercise"].alerts}
    assert all(not i.is_exercise for i in context["rows"])
    doc = lxml.html.fromstring(response.content.decode())
    assert doc.xpath("//section[contains(@class,'exercise-part')]")
    assert doc.xpath("//script[@id='situation-points' and @type='application/json']")
    assert doc.xpath("//div[@id='situation-map']")
    # The main menu's link.
    assert doc.xpath(
        f"//nav[contains(@class,'main-nav')]/a[@href='{reverse('situation:picture')}']"
    )


def test_the_pages_answer_at_phone_width_without_a_kiosk_layout(
    client_for: Callable[[str], Client],
) -> None:
    """The pages use the stylesheet's tables (they scroll in their box on a phone) and
    native progress bars; nothing fixes a width wider than 390 px."""
    alert = issued()
    client = client_for("thuongtruc")
    for url in (reverse("situation:picture"), reverse("situation:alert_list"),
                reverse("situation:alert_board", kwargs={"pk": alert.pk})):  # fmt: skip
        text = client.get(url).content.decode()
        assert 'name="viewport"' in text and "style=" not in text.split("<main", 1)[1]
