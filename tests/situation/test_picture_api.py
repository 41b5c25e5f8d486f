"""The situation picture in the API: the page's figures, real and exercise apart, in scope."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from vigil.core.models import AuditEvent
from vigil.situation.incidents.models import OPEN_STATES, Incident


def _picture(api_for: Callable[..., Any], username: str) -> dict[str, Any]:
    response = api_for(username).get("/api/v1/situation/")
    assert response.status_code == 200
    return dict(response.json())


def test_the_real_part_counts_the_open_real_incidents_a_user_sees(
    api_for: Callable[..., Any], persona: Callable[[str], Any]
) -> None:
    for username in ("lanhdao", "xa_a", "xa_b", "congthuong"):
        body = _picture(api_for, username)
        visible = Incident.objects.visible_to(persona(username)).filter(state__in=OPEN_STATES)
        real = visible.filter(is_exercise=False)
        assert sum(body["real"]["open_incidents_by_state"].values()) == real.count()
        assert {i["id"] for i in body["real"]["incidents"]} == set(
            real.values_list("pk", flat=True)
        )
        assert {i["id"] for i in body["exercise"]["incidents"]} == set(
            visible.filter(is_exercise=True).values_list("pk", flat=True)
        )


def test_xa_b_sees_nothing_of_commune_a_and_a_classified_picture_is_an_audited_read(
    api_for: Callable[..., Any],
) -> None:
    xa_b = _picture(api_for, "xa_b")
    seen = {i["id"] for i in xa_b["real"]["incidents"]}
    assert not Incident.objects.filter(pk__in=seen, owning_committee__name__contains="Vân Đồn")
    client = api_for("lanhdao")
    before = AuditEvent.objects.count()
    response = client.get("/api/v1/situation/")
    assert response.status_code == 200
    lanhdao = response.json()
    classified = [i for i in lanhdao["real"]["incidents"] if i["classification"] > 0]
    assert classified, "the demo has a classified open incident the leader sees"
    assert AuditEvent.objects.count() == before + 1
