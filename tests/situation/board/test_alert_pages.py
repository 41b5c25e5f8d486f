"""The alert pages: who sees which button, the board and its polled partial, scope,
the exercise banner, and the board's query count."""

from __future__ import annotations

from collections.abc import Callable

import lxml.html
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.situation.alerts.helpers import A, agency, committee, draft, issued, user
from vigil.core import clock
from vigil.org.models import Agency
from vigil.situation.alerts import queries, services
from vigil.situation.alerts.models import Alert, AlertDelivery, AlertState

pytestmark = pytest.mark.django_db


def page(client: Client, url: str) -> lxml.html.HtmlElement:
    response = client.get(url)
    assert response.status_code == 200, url
    return lxml.html.fromstring(response.content.decode())


def test_a_draft_shows_approve_to_the_leader_and_edit_to_the_drafter(
    client_for: Callable[[str], Client],
) -> None:
    alert = draft()
    url = reverse("situation:alert_detail", kwargs={"pk": alert.pk})
    approve = reverse("situation:alert_approve", kwargs={"pk": alert.pk})
    edit = reverse("situation:alert_edit", kwargs={"pk": alert.pk})
    leader = page(client_for("lanhdao"), url)
    assert leader.xpath(f"//a[@href='{approve}']")
    office = page(client_for("thuongtruc"), url)
    assert not office.xpath(f"//a[@href='{approve}']")  # the drafter does not approve
    assert office.xpath(f"//a[@href='{edit}']")
    # A draft is seen by its own committee only.
    assert client_for("congthuong").get(url).status_code == 404
    assert client_for("thuongtruc").get(approve).status_code == 403


def test_approve_page_lists_the_recipients_then_sends(client_for: Callable[[str], Client]) -> None:
    alert = draft()
    client = client_for("lanhdao")
    url = reverse("situation:alert_approve", kwargs={"pk": alert.pk})
    text = client.get(url).content.decode()
    assert "Sở Công Thương" in text
    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("situation:alert_board", kwargs={"pk": alert.pk})
    alert.refresh_from_db()
    assert alert.state == AlertState.ISSUED and alert.deliveries.count() == 2


def test_the_addressed_agency_acknowledges_with_a_note_and_the_board_shows_it(
    client_for: Callable[[str], Client],
) -> None:
    alert = issued()
    detail = reverse("situation:alert_detail", kwargs={"pk": alert.pk})
    ack = reverse("situation:alert_acknowledge", kwargs={"pk": alert.pk})
    board = reverse("situation:alert_board", kwargs={"pk": alert.pk})
    client = client_for("congthuong")
    doc = page(client, detail)
    assert doc.xpath(f"//form[@action='{ack}']//button")
    partial = client.get(board, headers={"HX-Request": "true"}).content.decode()
    assert 'hx-trigger="every 5s"' in partial and "<html" not in partial
    assert 'data-state="acknowledged"' not in partial
    response = client.post(ack, {"note": "Đã nhận, đã triển khai lực lượng", "next": board})
    assert response.status_code == 302 and response["Location"] == board
    delivery = alert.deliveries.get(agency=agency("SCT"))
    assert delivery.acknowledged_by == user("congthuong")
    assert delivery.ack_note == "Đã nhận, đã triển khai lực lượng"
    partial = client_for("thuongtruc").get(board, headers={"HX-Request": "true"}).content.decode()
    assert partial.count('data-state="acknowledged"') == 1
    bar = lxml.html.fromstring(partial).xpath("//progress")[0]
    assert (bar.get("value"), bar.get("max")) == ("1", "2")
    # Acknowledged: the button is gone for this agency.
    doc = page(client, detail)
    assert not doc.xpath(f"//form[@action='{ack}']//button")


def test_the_standing_office_records_a_code_and_others_have_no_form(
    client_for: Callable[[str], Client],
) -> None:
    alert = issued()
    code_url = reverse("situation:alert_ack_code", kwargs={"pk": alert.pk})
    detail = reverse("situation:alert_detail", kwargs={"pk": alert.pk})
    assert page(client_for("thuongtruc"), detail).xpath(f"//form[@action='{code_url}']")
    assert not page(client_for("congthuong"), detail).xpath(f"//form[@action='{code_url}']")
    assert client_for("congthuong").get(code_url).status_code == 403
    delivery = alert.deliveries.get(agency=agency("BĐBP"))
    response = client_for("thuongtruc").post(code_url, {"code": delivery.ack_code, "note": ""})
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert delivery.ack_method == "code" and delivery.recorded_by == user("thuongtruc")
    wrong = client_for("thuongtruc").post(code_url, {"code": "000000x", "note": ""})
    assert wrong.status_code == 200 and b"errorlist" in wrong.content


def test_xa_b_finds_nothing_of_an_alert_to_commune_a(client_for: Callable[[str], Client]) -> None:
    alert = issued(addressed_agencies=[], addressed_committees=[committee(A)])
    names = ["alert_detail", "alert_board", "alert_acknowledge", "alert_ack_code",
             "alert_update", "alert_cancel", "alert_approve", "alert_edit"]  # fmt: skip
    for name in names:
        url = reverse(f"situation:{name}", kwargs={"pk": alert.pk})
        assert client_for("xa_b").get(url).status_code == 404, name
    assert (
        client_for("xa_a")
        .get(reverse("situation:alert_detail", kwargs={"pk": alert.pk}))
        .status_code
        == 200
    )
    listed = client_for("xa_b").get(reverse("situation:alert_list")).context["page"]
    assert alert.pk not in {a.pk for a in listed.paginator.object_list}


def test_an_exercise_alert_carries_the_banner_on_every_page(
    client_for: Callable[[str], Client],
) -> None:
    alert = issued(cap_status="Exercise")
    assert alert.is_exercise
    client = client_for("thuongtruc")
    for name in ("alert_detail", "alert_board", "alert_update", "alert_cancel", "alert_ack_code"):
        doc = page(client, reverse(f"situation:{name}", kwargs={"pk": alert.pk}))
        assert doc.xpath("//div[contains(@class,'banner-exercise')]"), name
    # Through its agency's acknowledgement page too.
    doc = page(
        client_for("congthuong"), reverse("situation:alert_acknowledge", kwargs={"pk": alert.pk})
    )
    assert doc.xpath("//div[contains(@class,'banner-exercise')]")


def test_draft_form_creates_a_draft(client_for: Callable[[str], Client]) -> None:
    client = client_for("thuongtruc")
    url = reverse("situation:alert_new")
    doc = page(client, url)
    assert doc.xpath("//input[@name='addressed_agencies']")
    data = {
        "committee": committee().pk, "cap_status": "Actual", "cap_scope": "Restricted",
        "classification": 0, "event": "Vật thể khả nghi", "urgency": "Expected",
        "severity": "Moderate", "certainty": "Possible", "headline": "Vật thể khả nghi tại cửa khẩu",
        "addressed_agencies": [agency("BĐBP").pk],
    }  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    created = services.Alert.objects.get(headline="Vật thể khả nghi tại cửa khẩu")  # type: ignore[attr-defined]
    assert created.state == AlertState.DRAFT
    assert response["Location"] == created.get_absolute_url()
    # No recipient: refused, nothing written.
    response = client.post(url, {**data, "headline": "Không ai nhận", "addressed_agencies": []})
    assert response.status_code == 200 and b"errorlist" in response.content
    # Those who may not draft get no page.
    assert client_for("congthuong").get(url).status_code == 404


def test_update_and_cancel_are_drafts_that_refer_to_the_original(
    client_for: Callable[[str], Client],
) -> None:
    alert = issued()
    client = client_for("thuongtruc")
    response = client.post(reverse("situation:alert_cancel", kwargs={"pk": alert.pk}),
                           {"note": "Báo động giả"})  # fmt: skip
    assert response.status_code == 302
    cancel = alert.followups.get()
    assert cancel.msg_type == "Cancel" and cancel.state == AlertState.DRAFT
    assert (
        client_for("congthuong")
        .get(reverse("situation:alert_cancel", kwargs={"pk": alert.pk}))
        .status_code
        == 403
    )


def test_the_list_filters_and_shows_progress(client_for: Callable[[str], Client]) -> None:
    real, drill = issued(), issued(cap_status="Exercise")
    client = client_for("thuongtruc")
    rows = client.get(reverse("situation:alert_list"), {"kind": "real"}).context["page"]
    ids = {a.pk for a in rows.paginator.object_list}
    assert real.pk in ids and drill.pk not in ids
    text = client.get(reverse("situation:alert_list")).content.decode()
    assert "<progress" in text
    mine = client_for("congthuong").get(reverse("situation:alert_list"), {"awaiting": "ack"})
    assert {real.pk, drill.pk} <= {a.pk for a in mine.context["page"].paginator.object_list}


def test_the_board_costs_the_same_queries_for_more_rows(
    client_for: Callable[[str], Client],
) -> None:
    small = issued()
    agencies = list(Agency.objects.order_by("pk")[:40])
    big = issued(addressed_agencies=agencies)
    assert big.deliveries.count() == len(agencies)
    AlertDelivery.objects.filter(
        alert=big, pk__in=list(big.deliveries.values_list("pk", flat=True)[:10])
    ).update(acknowledged_at=clock.now(), first_read_at=clock.now())
    client = client_for("thuongtruc")
    client.get(reverse("situation:alert_list"))  # the session's first write, out of the count

    def count(alert_pk: int, name: str, **headers: str) -> int:
        url = reverse(f"situation:{name}", kwargs={"pk": alert_pk})
        client.get(url, headers=headers)  # warm the per-process caches (content types)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(
                reverse(f"situation:{name}", kwargs={"pk": alert_pk}), headers=headers
            )
            assert response.status_code == 200
        return len(ctx.captured_queries)

    for name, headers in (
        ("alert_board", {"HX-Request": "true"}),
        ("alert_board", {}),
        ("alert_detail", {}),
    ):
        assert count(big.pk, name, **headers) == count(small.pk, name, **headers), name
    board = queries.board_rows(big)
    assert board.total == len(agencies) and board.acknowledged == 10


def test_the_update_form_starts_from_the_original_and_drafts_an_update(
    client_for: Callable[[str], Client],
) -> None:
    alert = issued()
    client = client_for("thuongtruc")
    url = reverse("situation:alert_update", kwargs={"pk": alert.pk})
    form = client.get(url).context["form"]
    assert form.initial["headline"] == alert.headline
    data = {
        "cap_status": "Actual", "cap_scope": "Restricted", "classification": 0,
        "event": alert.event, "urgency": "Expected", "severity": "Moderate",
        "certainty": "Likely", "headline": "Cập nhật: đã khoanh vùng",
        "addressed_agencies": [agency("SCT").pk, agency("BĐBP").pk],
    }  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    update = alert.followups.get()
    assert update.msg_type == "Update" and update.state == AlertState.DRAFT
    assert response["Location"] == update.get_absolute_url()


def test_the_drafter_withdraws_a_draft(client_for: Callable[[str], Client]) -> None:
    alert = draft()
    response = client_for("thuongtruc").post(
        reverse("situation:alert_withdraw", kwargs={"pk": alert.pk})
    )
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.state == AlertState.WITHDRAWN
    edit = reverse("situation:alert_edit", kwargs={"pk": alert.pk})
    assert client_for("thuongtruc").get(edit).status_code == 403


def test_the_drafter_edits_a_draft(client_for: Callable[[str], Client]) -> None:
    alert = draft()
    client = client_for("thuongtruc")
    url = reverse("situation:alert_edit", kwargs={"pk": alert.pk})
    form = client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data["headline"] = "Tiêu đề đã sửa"
    data["addressed_agencies"] = [agency("SCT").pk]
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    alert.refresh_from_db()
    assert alert.headline == "Tiêu đề đã sửa"
    assert list(alert.addressed_agencies.values_list("pk", flat=True)) == [agency("SCT").pk]


def test_the_list_and_the_picture_cost_the_same_queries_for_more_alerts(
    client_for: Callable[[str], Client],
) -> None:
    client = client_for("thuongtruc")
    issued()
    client.get(reverse("situation:alert_list"))

    def count(url: str) -> int:
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    urls = [reverse("situation:alert_list"), reverse("situation:picture")]
    before = [count(url) for url in urls]
    for _ in range(4):
        issued(), draft()
    assert [count(url) for url in urls] == before


def test_the_timeline_names_vigil_in_words_and_coordinates_read_as_numbers(
    client_for: Callable[[str], Client],
) -> None:
    from vigil.situation.incidents.models import Incident

    alert = Alert.objects.filter(state="issued").order_by("pk").first()
    assert alert is not None
    page = client_for("lanhdao").get(reverse("situation:alert_detail", args=[alert.pk]))
    text = page.content.decode()
    assert "system:" not in text and "Hệ thống Vigil" in text
    incident = Incident.objects.filter(latitude__isnull=False).order_by("pk").first()
    assert incident is not None
    page = client_for("lanhdao").get(incident.get_absolute_url())
    assert f"{incident.latitude}, {incident.longitude}" in page.content.decode()
