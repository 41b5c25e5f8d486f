"""The figures of incidents and alerts for a committee and a period: what counts (real
incidents of the committee and those below it that occurred in the period, by type and
state; alerts issued in the period, their deliveries and acknowledgement times) and what
is left out (exercise ones, other committees, other periods, what the viewer does not
see). Counted as differences over the seeded demo."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.situation.alerts.helpers import issued
from vigil.accounts.models import User
from vigil.core.audit import SystemActor
from vigil.core.models import AdminUnit
from vigil.org.models import Committee
from vigil.situation.alerts.models import AlertDelivery
from vigil.situation.figures import as_data, median, percentile, situation_figures
from vigil.situation.incidents.models import Incident, IncidentState
from vigil.situation.incidents.services import open_incident

pytestmark = pytest.mark.django_db
HCM = ZoneInfo("Asia/Ho_Chi_Minh")
YEAR = (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
SEED = SystemActor("test")


def committee(suffix: str = "tỉnh Quảng Ninh") -> Committee:
    return Committee.objects.get(name__endswith=suffix)


def commune_a() -> Committee:
    return committee("đặc khu Vân Đồn")


def commune_b() -> Committee:
    return committee("phường Móng Cái 1")


def figures(
    viewer: str = "thuongtruc", of: Committee | None = None,
    period: tuple[dt.date, dt.date] = YEAR, everything: bool = False,
) -> dict[str, Any]:  # fmt: skip
    chosen = None if everything else (of or committee())
    f = situation_figures(User.objects.get(username=viewer), committee=chosen,
                          start=period[0], end=period[1])  # fmt: skip
    data = as_data(f)
    for name in ("incidents_by_type", "incidents_by_state", "alerts_by_msg_type"):
        data.update({f"{name}.{row['key']}": row["count"] for row in data.pop(name)})
    return data


def moved(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    return {k: (after[k] if not isinstance(after[k], int) or after[k] is None
                or before[k] is None else after[k] - before[k])
            for k in before if after[k] != before[k]}  # fmt: skip


def incident(
    at: dt.datetime = dt.datetime(2026, 3, 10, 9, tzinfo=HCM), of: Committee | None = None,
    type: str = "bomb_threat", **extra: Any,
) -> Incident:  # fmt: skip
    commune = AdminUnit.objects.filter(kind=AdminUnit.Kind.COMMUNE).first()
    return open_incident(of or committee(), actor=SEED, title="Tình huống thử", type=type,
                         occurred_at=at, commune=commune, **extra)  # fmt: skip


def test_a_real_incident_counts_by_type_and_state() -> None:
    before = figures()
    incident(injured=2)
    assert moved(before, figures()) == {
        "incidents": 1, "incidents_by_type.bomb_threat": 1, "incidents_by_state.reported": 1,
        "injured": 2,
    }  # fmt: skip


def test_an_exercise_incident_is_counted_apart() -> None:
    before = figures()
    incident(is_exercise=True, type="hostage")
    assert moved(before, figures()) == {"exercise_incidents": 1}


def test_incidents_of_other_periods_are_left_out_by_the_vietnam_date() -> None:
    last_year = (dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    before_2025, before_2026 = figures(period=last_year), figures()
    # 00:30 on 1 January in Hà Nội is still 31 December in UTC: it belongs to 2026;
    # 23:30 on 31 December 2025 in Hà Nội is in 2025.
    incident(at=dt.datetime(2026, 1, 1, 0, 30, tzinfo=HCM))
    incident(at=dt.datetime(2025, 12, 31, 23, 30, tzinfo=HCM), type="arson")
    assert moved(before_2025, figures(period=last_year)) == {
        "incidents": 1, "incidents_by_type.arson": 1, "incidents_by_state.reported": 1,
    }  # fmt: skip
    assert moved(before_2026, figures()) == {
        "incidents": 1, "incidents_by_type.bomb_threat": 1, "incidents_by_state.reported": 1,
    }  # fmt: skip


def test_incidents_count_for_their_committee_and_those_above_it() -> None:
    before, before_a, before_b = figures(), figures(of=commune_a()), figures(of=commune_b())
    incident(of=commune_b(), type="arson")
    assert moved(before, figures())["incidents"] == 1
    assert moved(before_b, figures(of=commune_b()))["incidents"] == 1
    assert moved(before_a, figures(of=commune_a())) == {}


def test_what_the_viewer_does_not_see_is_not_counted() -> None:
    before_xa_a, before_tt = figures("xa_a", everything=True), figures(everything=True)
    incident(of=commune_b())
    assert moved(before_xa_a, figures("xa_a", everything=True)) == {}
    assert moved(before_tt, figures(everything=True))["incidents"] == 1


def test_terrorist_incidents_and_outcomes() -> None:
    before = figures()
    real = incident(type="terrorist_incident")
    alarm = incident(type="hostage")
    Incident.objects.filter(pk=alarm.pk).update(state=IncidentState.FALSE_ALARM)
    Incident.objects.filter(pk=real.pk).update(
        state=IncidentState.CLOSED, verified_at=dt.datetime(2026, 3, 10, 10, tzinfo=HCM)
    )
    assert moved(before, figures()) == {
        "incidents": 2, "incidents_terrorist": 1, "incidents_verified": 1,
        "incidents_closed": 1, "incidents_false_alarm": 1,
        "incidents_by_type.terrorist_incident": 1, "incidents_by_type.hostage": 1,
        "incidents_by_state.closed": 1, "incidents_by_state.false_alarm": 1,
    }  # fmt: skip


def test_alerts_deliveries_and_acknowledgement_times() -> None:
    sent = dt.datetime(2026, 4, 2, 8, tzinfo=HCM)
    before = figures()
    alert = issued(now=sent)
    first, second = AlertDelivery.objects.filter(alert=alert).order_by("pk")
    due = sent + dt.timedelta(minutes=5)
    AlertDelivery.objects.filter(alert=alert).update(created_at=sent, ack_due_at=due)
    after_sending = moved(before, figures())
    assert after_sending["alerts"] == 1 and after_sending["deliveries"] == 2
    # Both silent past their deadline (today is 25/11/2026).
    assert after_sending["not_acknowledged_overdue"] == 2
    assert after_sending["alerts_unacknowledged"] == 2
    AlertDelivery.objects.filter(pk=first.pk).update(acknowledged_at=sent + dt.timedelta(minutes=4))
    AlertDelivery.objects.filter(pk=second.pk).update(
        acknowledged_at=sent + dt.timedelta(minutes=10)
    )
    # Only the one alert's deliveries: the other demo alerts of the year are elsewhere.
    only = figures(period=(dt.date(2026, 4, 2), dt.date(2026, 4, 2)))
    assert only["deliveries"] == 2 and only["acknowledged"] == 2
    assert only["acknowledged_late"] == 1 and only["not_acknowledged_overdue"] == 0
    assert only["alerts_unacknowledged"] == 1
    assert only["ack_median_minutes"] == 7.0 and only["ack_p90_minutes"] == 10.0


def test_exercise_alerts_are_counted_apart() -> None:
    before = figures()
    issued(now=dt.datetime(2026, 4, 3, 8, tzinfo=HCM), cap_status="Exercise")
    assert moved(before, figures()) == {"exercise_alerts": 1}


def test_the_percentiles() -> None:
    assert median([]) is None and percentile([], 0.9) is None
    assert median([1.0, 2.0, 10.0]) == 2.0
    assert median([1.0, 2.0, 4.0, 10.0]) == 3.0
    values = [float(n) for n in range(1, 11)]
    assert percentile(values, 0.9) == 9.0
    assert percentile([5.0], 0.9) == 5.0


def test_a_classified_incident_makes_the_figures_classified() -> None:
    year = (dt.date(2019, 1, 1), dt.date(2019, 12, 31))  # nothing else happened then
    assert figures(period=year)["classification"] == 0
    incident(at=dt.datetime(2019, 5, 1, 9, tzinfo=HCM), classification=1)
    assert figures(period=year)["classification"] == 1


def test_the_page_and_the_api_answer_with_the_function(
    client_for: Callable[[str], Any], api_for: Callable[..., Any],
) -> None:  # fmt: skip
    p = committee()
    f = situation_figures(User.objects.get(username="thuongtruc"), committee=p,
                          start=dt.date(2026, 1, 1), end=dt.date(2026, 6, 30))  # fmt: skip
    page = client_for("thuongtruc").get(f"/situation/figures/?year=2026&period=h1&committee={p.pk}")
    assert page.status_code == 200
    assert page.context["figures"] == f
    body = api_for("thuongtruc").get(
        f"/api/v1/situation-figures/?year=2026&period=h1&committee={p.pk}"
    )
    assert body.status_code == 200
    assert body.json()["incidents"] == f.incidents
    assert body.json()["alerts_unacknowledged"] == f.alerts_unacknowledged
