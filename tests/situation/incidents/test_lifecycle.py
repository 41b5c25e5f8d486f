"""The lifecycle: report, verify, respond, contain, close; refused moves; the events;
the service other apps call inside their own transaction; the exercise flag."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from vigil.core import clock
from vigil.core.audit import SystemActor
from vigil.core.models import AuditEvent
from vigil.org.models import Agency, Committee
from vigil.sites.demo import COAL_MINE
from vigil.sites.models import KeySite
from vigil.situation.incidents import services
from vigil.situation.incidents.models import Incident, IncidentEvent, IncidentState

S = IncidentState


def _commune_a() -> Committee:
    return Committee.objects.get(name__endswith="đặc khu Vân Đồn")


def _report(persona: Callable[[str], Any], **extra: Any) -> Incident:
    with transaction.atomic():  # the test's own transaction stands for the request's
        return services.open_incident_within(
            _commune_a(), actor=persona("xa_a"), title="Vật thể lạ tại bến tàu",
            type="suspicious_object", commune=_commune_a().admin_unit, **extra,
        )  # fmt: skip


def test_a_commune_officer_reports_and_the_standing_office_follows_it_to_closure(
    persona: Callable[[str], Any],
) -> None:
    incident = _report(persona, latitude="21.1", longitude="107.4", dead=0, injured=1)
    assert incident.state == S.REPORTED
    assert incident.owning_agency == incident.reporting_agency
    assert incident.reporting_agency.name == "Công an đặc khu Vân Đồn"
    chief = persona("thuongtruc")
    for state in (S.VERIFIED, S.RESPONDING, S.CONTAINED, S.CLOSED):
        with transaction.atomic():
            incident = services.move_within(incident, state, actor=chief, note="ok")
    assert incident.verified_at is not None and incident.closed_at is not None
    moves = list(
        IncidentEvent.objects.filter(incident=incident).values_list("from_state", "to_state")
    )
    assert moves == [("", S.REPORTED), (S.REPORTED, S.VERIFIED), (S.VERIFIED, S.RESPONDING),
                     (S.RESPONDING, S.CONTAINED), (S.CONTAINED, S.CLOSED)]  # fmt: skip
    assert IncidentEvent.objects.filter(incident=incident).last().actor == chief  # type: ignore[union-attr]
    assert (
        AuditEvent.objects.filter(action="incident.moved", object_id=str(incident.pk)).count() == 4
    )


@pytest.mark.parametrize(("start", "to"), [(S.REPORTED, S.CLOSED), (S.REPORTED, S.RESPONDING)])
def test_a_move_outside_the_lifecycle_is_refused_and_writes_nothing(
    persona: Callable[[str], Any], start: str, to: str
) -> None:
    incident = _report(persona)
    before = IncidentEvent.objects.count(), AuditEvent.objects.count()
    with pytest.raises(ValidationError) as refused, transaction.atomic():
        services.move_within(incident, to, actor=persona("thuongtruc"))
    assert "không thể chuyển" in " ".join(refused.value.messages)
    assert (IncidentEvent.objects.count(), AuditEvent.objects.count()) == before
    incident.refresh_from_db()
    assert incident.state == start


def test_a_closed_incident_moves_no_more(persona: Callable[[str], Any]) -> None:
    incident = _report(persona)
    with transaction.atomic():
        services.move_within(incident, S.FALSE_ALARM, actor=persona("xa_a"))
    with pytest.raises(ValidationError), transaction.atomic():
        services.move_within(incident, S.VERIFIED, actor=persona("thuongtruc"))


def test_only_the_committee_verifies_the_reporting_agency_responds(
    persona: Callable[[str], Any],
) -> None:
    incident = _report(persona)
    police_officer = persona("congthuong")  # an officer of another agency: no move at all
    assert not services.may_move(police_officer, incident, S.VERIFIED)
    with transaction.atomic():
        services.move_within(incident, S.VERIFIED, actor=persona("xa_a"))  # A's standing office
    bienphong = persona("bienphong")
    with pytest.raises(PermissionDenied), transaction.atomic():
        services.move_within(incident, S.RESPONDING, actor=bienphong)


def test_the_stock_count_opens_an_incident_inside_its_own_transaction(db: None) -> None:
    """A shortage found by a count: Vigil itself, in the count's transaction; a
    failure after it rolls both back."""
    province = Committee.objects.get(level=Committee.Level.PROVINCE)
    mine = KeySite.objects.get(name=COAL_MINE)
    robot = SystemActor("controlled.stock_count")
    with transaction.atomic():
        incident = services.open_incident_within(
            province, actor=robot, title="Thiếu 5 kg thuốc nổ khi kiểm kê", type="explosives_loss",
            site=mine, involved_agencies=[Agency.objects.get(name="Sở Công Thương")],
        )  # fmt: skip
    assert incident.reporting_agency == province.standing_agency
    assert incident.created_by is None
    assert incident.commune == mine.commune and incident.latitude == mine.latitude
    event = AuditEvent.objects.get(action="incident.reported", object_id=str(incident.pk))
    assert "controlled.stock_count" in event.actor_label
    count = Incident.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        services.open_incident_within(province, actor=robot, title="Thiếu", type="explosives_loss",
                                      site=mine)  # fmt: skip
        raise RuntimeError("the count failed after")
    assert Incident.objects.count() == count


def test_the_use_case_refuses_to_join_a_transaction(db: None) -> None:
    province = Committee.objects.get(level=Committee.Level.PROVINCE)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.open_incident(province, actor=SystemActor("x"), title="t", type="other",
                               commune=province.admin_unit)  # fmt: skip


def test_an_exercise_is_marked_and_stays_one(
    persona: Callable[[str], Any], client_for: Callable[[str], Any]
) -> None:
    incident = _report(persona, is_exercise=True)
    assert incident.is_exercise
    page = client_for("xa_a").get(incident.get_absolute_url()).content.decode()
    assert "DIỄN TẬP" in page
    real = _report(persona)
    assert "DIỄN TẬP" not in client_for("xa_a").get(real.get_absolute_url()).content.decode()
    listed = client_for("xa_a").get("/situation/incidents/?kind=exercise").content.decode()
    assert incident.title in listed and f'/situation/incidents/{real.pk}/"' not in listed


def test_the_demo_incidents_are_in_their_states(incidents: dict[str, Incident]) -> None:
    assert incidents["airport"].state == S.RESPONDING
    assert incidents["market"].state == S.FALSE_ALARM
    assert incidents["market"].classification == 1
    assert incidents["seaport"].state == S.CONTAINED
    assert incidents["border"].state == S.REPORTED
    assert incidents["exercise"].is_exercise and incidents["exercise"].state == S.CLOSED
    assert incidents["airport"].timeline.count() == 1
    assert all(i.occurred_at < clock.now() for i in incidents.values())
