"""The alerts API: scoped (404 for what is not yours), JSON only for writes, and the
same refusals as the services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.situation.alerts.helpers import agency, committee, draft, issued

pytestmark = pytest.mark.django_db
Api = Callable[..., Client]


def _post(client: Client, name: str, pk: Any = None, **body: Any) -> Any:
    url = reverse(name, kwargs={"pk": pk}) if pk else reverse(name)
    return client.post(url, body, content_type="application/json")


def test_draft_approve_acknowledge_and_board(api_for: Api) -> None:
    office, leader = api_for("thuongtruc", scope="write"), api_for("lanhdao", scope="write")
    response = _post(
        office, "api-alert-list", committee=committee().pk, event="Đe dọa đánh bom",
        urgency="Immediate", severity="Severe", certainty="Likely",
        headline="Đe dọa đánh bom tại cảng", addressed_agencies=[agency("SCT").pk, agency("BĐBP").pk],
    )  # fmt: skip
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    assert response.json()["state"] == "draft"

    # The drafter's own approval is refused, in Vietnamese.
    refused = _post(office, "api-alert-approve", pk)
    assert refused.status_code == 403
    assert (
        "Lãnh đạo" in refused.json()["error"]["message"]
        or "soạn" in refused.json()["error"]["message"]
    )
    approved = _post(leader, "api-alert-approve", pk)
    assert approved.status_code == 200 and approved.json()["state"] == "issued"
    assert approved.json()["recipients"] == 2
    assert _post(leader, "api-alert-approve", pk).status_code == 400

    dit = api_for("congthuong", scope="write")
    detail = dit.get(reverse("api-alert-detail", kwargs={"pk": pk})).json()
    assert len(detail["to_acknowledge"]) == 1
    done = _post(dit, "api-alert-acknowledge", pk, note="Đã nhận")
    assert done.status_code == 200 and done.json()["state"] == "acknowledged"
    again = _post(dit, "api-alert-acknowledge", pk)
    assert again.status_code == 400

    board = office.get(reverse("api-alert-board", kwargs={"pk": pk})).json()
    assert board["recipients"] == 2 and board["acknowledged"] == 1
    states = {row["recipient"]: row["state"] for row in board["rows"]}
    assert states[str(agency("SCT"))] == "acknowledged"
    assert states[str(agency("BĐBP"))] in {"sent", "delivered"}


def test_acknowledge_by_code_through_the_api(api_for: Api) -> None:
    alert = issued()
    code = alert.deliveries.get(agency=agency("BĐBP")).ack_code
    office = api_for("thuongtruc", scope="write")
    assert (
        _post(
            office,
            "api-alert-acknowledge-by-code",
            alert.pk,
            code="000000" if code != "000000" else "111111",
        ).status_code
        == 400
    )
    other = issued()
    foreign = other.deliveries.get(agency=agency("SCT")).ack_code
    if foreign not in set(alert.deliveries.values_list("ack_code", flat=True)):
        assert (
            _post(office, "api-alert-acknowledge-by-code", alert.pk, code=foreign).status_code
            == 400
        )
    ok = _post(office, "api-alert-acknowledge-by-code", alert.pk, code=code, note="Qua điện thoại")
    assert ok.status_code == 200 and ok.json()["ack_method"] == "code"
    assert ok.json()["recorded_by_label"]
    assert _post(office, "api-alert-acknowledge-by-code", alert.pk, code=code).status_code == 400
    # An officer of an agency may not record codes.
    dit = api_for("congthuong", scope="write")
    assert _post(dit, "api-alert-acknowledge-by-code", alert.pk, code=code).status_code == 403


def test_xa_b_cannot_see_an_alert_addressed_to_commune_a(
    api_for: Api, demo_alerts: dict[str, Any]
) -> None:
    alert = demo_alerts["case5"]
    xa_b, xa_a = api_for("xa_b", scope="write"), api_for("xa_a", scope="write")
    for name in ("api-alert-detail", "api-alert-board"):
        assert xa_b.get(reverse(name, kwargs={"pk": alert.pk})).status_code == 404
        assert xa_a.get(reverse(name, kwargs={"pk": alert.pk})).status_code == 200
    for name in (
        "api-alert-acknowledge",
        "api-alert-cancel",
        "api-alert-update",
        "api-alert-approve",
    ):
        assert _post(xa_b, name, alert.pk).status_code == 404
    ids = [row["id"] for row in xa_b.get(reverse("api-alert-list")).json()["results"]]
    assert alert.pk not in ids
    assert alert.pk in [row["id"] for row in xa_a.get(reverse("api-alert-list")).json()["results"]]
    # Commune A's committee acknowledges its delivery.
    assert _post(xa_a, "api-alert-acknowledge", alert.pk).status_code == 200


def test_a_cancel_of_an_alert_not_yours_is_404_and_the_original_is_marked(api_for: Api) -> None:
    alert = issued()
    stranger = api_for("xa_b", scope="write")
    assert _post(stranger, "api-alert-cancel", alert.pk, note="x").status_code == 404
    office, leader = api_for("thuongtruc", scope="write"), api_for("lanhdao", scope="write")
    cancel = _post(office, "api-alert-cancel", alert.pk, note="Thông tin không chính xác")
    assert cancel.status_code == 201 and cancel.json()["msg_type"] == "Cancel"
    assert cancel.json()["references"] == alert.pk
    assert _post(leader, "api-alert-approve", cancel.json()["id"]).status_code == 200
    assert office.get(reverse("api-alert-detail", kwargs={"pk": alert.pk})).json()["cancelled"]
    assert _post(office, "api-alert-cancel", alert.pk).status_code == 400


def test_update_and_patch(api_for: Api) -> None:
    office, leader = api_for("thuongtruc", scope="write"), api_for("lanhdao", scope="write")
    d = draft()
    changed = office.patch(reverse("api-alert-detail", kwargs={"pk": d.pk}),
                           {"headline": "Tiêu đề mới"}, content_type="application/json")  # fmt: skip
    assert changed.status_code == 200 and changed.json()["headline"] == "Tiêu đề mới"
    assert _post(leader, "api-alert-approve", d.pk).status_code == 200
    # An issued alert is no longer a draft.
    late = office.patch(reverse("api-alert-detail", kwargs={"pk": d.pk}), {"headline": "x"},
                        content_type="application/json")  # fmt: skip
    assert late.status_code == 400
    update = _post(office, "api-alert-update", d.pk, severity="Extreme")
    assert update.status_code == 201
    body = update.json()
    assert (body["msg_type"], body["severity"], body["headline"]) == (
        "Update",
        "Extreme",
        "Tiêu đề mới",
    )
    assert sorted(body["addressed_agencies"]) == sorted([agency("SCT").pk, agency("BĐBP").pk])


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"urgency": "Soon"}, "urgency"),
        ({"headline": ""}, "headline"),
        ({"addressed_agencies": [999999999]}, "addressed_agencies"),
        ({"addressed_agencies": "1"}, "addressed_agencies"),
        ({"classification": 3}, "classification"),
        ({"expires_at": "01/01/2020 10:00"}, "expires_at"),
    ],
)
def test_bad_drafts_are_refused_and_write_nothing(
    api_for: Api, body: dict[str, Any], field: str
) -> None:
    from vigil.situation.alerts.models import Alert

    before = Alert.objects.count()
    values: dict[str, Any] = {"committee": committee().pk, "event": "Sự kiện", "urgency": "Immediate",
              "severity": "Severe", "certainty": "Likely", "headline": "Tiêu đề"}  # fmt: skip
    values.update(body)
    response = _post(api_for("thuongtruc", scope="write"), "api-alert-list", **values)
    assert response.status_code == 400, response.json()
    assert field in response.json()["error"]["fields"]
    assert Alert.objects.count() == before


def test_writes_take_json_only(api_for: Api) -> None:
    office = api_for("thuongtruc", scope="write")
    response = office.post(reverse("api-alert-list"), {"committee": committee().pk})
    assert response.status_code == 415


def test_a_draft_without_recipients_or_past_its_expiry_is_not_sent(api_for: Api) -> None:
    import datetime as dt

    import time_machine

    from vigil.core import clock

    leader = api_for("lanhdao", scope="write")
    empty = draft(addressed_agencies=[])
    response = _post(leader, "api-alert-approve", empty.pk)
    assert response.status_code == 400 and not empty.deliveries.exists()
    soon = draft(expires_at=clock.now() + dt.timedelta(minutes=5))
    with time_machine.travel(clock.now() + dt.timedelta(minutes=6), tick=False):
        response = _post(leader, "api-alert-approve", soon.pk)
    assert response.status_code == 400 and "expires_at" in response.json()["error"]["fields"]
    assert not soon.deliveries.exists()


def test_the_list_costs_the_same_queries_for_more_alerts(api_for: Api) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = api_for("congthuong")
    issued()
    client.get(reverse("api-alert-list"))  # warm the caches (scope, content types)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("api-alert-list"))
    for _ in range(3):
        issued()
    with CaptureQueriesContext(connection) as more:
        body = client.get(reverse("api-alert-list")).json()
    assert len(body["results"]) >= 4
    assert all(len(row["to_acknowledge"]) == 1 for row in body["results"][:4])
    assert len(more.captured_queries) == len(few.captured_queries)


def test_a_read_in_the_inbox_counts_for_the_readers_own_agency_only(api_for: Api) -> None:
    """One notification reaches every recipient: who read it tells which agency read it."""
    from tests.situation.alerts.helpers import user
    from vigil.core import clock
    from vigil.inbox.delivery import deliver_pending
    from vigil.inbox.models import InboxEntry

    alert = issued()
    deliver_pending(clock.now(), mail=False)
    entry = InboxEntry.objects.get(
        notification=alert.deliveries.get(agency=agency("SCT")).notification,
        user=user("congthuong"),
    )
    InboxEntry.objects.filter(pk=entry.pk).update(read_at=entry.created_at)
    board = api_for("thuongtruc").get(reverse("api-alert-board", kwargs={"pk": alert.pk})).json()
    read = {row["recipient"]: row["read_at"] for row in board["rows"]}
    assert read[str(agency("SCT"))] is not None
    assert read[str(agency("BĐBP"))] is None
