"""Changing what is known of an incident: details, counts, forces, measures, the
agencies involved; the classification is the standing office's; closed is final."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from vigil.core.models import AuditEvent
from vigil.org.models import Agency
from vigil.situation.incidents import services
from vigil.situation.incidents.forms import incident_initial
from vigil.situation.incidents.models import Incident

pytestmark = pytest.mark.django_db


def test_the_reporting_agency_changes_counts_and_forces_through_the_page(
    incidents: dict[str, Incident],
    client_for: Callable[[str], Client],
) -> None:
    airport = incidents["airport"]
    client = client_for("xa_a")
    assert client.get(f"/situation/incidents/{airport.pk}/edit/").status_code == 200
    data: dict[str, Any] = {
        k: ("" if v is None else v.pk if hasattr(v, "pk") else v)
        for k, v in incident_initial(airport).items()
    }
    data["occurred_at"] = airport.occurred_at.astimezone().strftime("%d/%m/%Y %H:%M")
    data |= {"injured": 3, "forces": "Thêm 2 tổ cơ động", "classification": 0}
    response = client.post(f"/situation/incidents/{airport.pk}/edit/", data)
    assert response.status_code == 302, response.context["form"].errors
    airport.refresh_from_db()
    assert airport.injured == 3 and airport.forces == "Thêm 2 tổ cơ động"
    event = AuditEvent.objects.filter(action="incident.changed", object_id=str(airport.pk)).get()
    assert event.before is not None and event.after is not None
    assert event.before["injured"] == 0 and event.after["injured"] == 3


def test_only_the_standing_office_changes_the_classification(
    incidents: dict[str, Incident],
    persona: Callable[[str], Any],
) -> None:
    border = incidents["border"]  # the Border Guard's report, Mật
    with pytest.raises(ValidationError) as refused:
        services.change_incident(border, actor=persona("bienphong"), classification=0)
    assert "Chỉ cơ quan thường trực" in " ".join(refused.value.messages)
    services.change_incident(border, actor=persona("bienphong"), measures="Phong tỏa cầu")
    airport = incidents["airport"]
    with pytest.raises(ValidationError, match=r"độ mật|clearance|vượt"):
        services.change_incident(airport, actor=persona("xa_a"), classification=1)
    changed = services.change_incident(airport, actor=persona("thuongtruc"), classification=1)
    assert changed.classification == 1
    # xa_a (Thường) no longer sees it.
    assert not Incident.objects.visible_to(persona("xa_a")).filter(pk=airport.pk).exists()


def test_the_agencies_involved_change_and_a_licensed_organisation_is_refused(
    incidents: dict[str, Incident],
    persona: Callable[[str], Any],
) -> None:
    seaport = incidents["seaport"]
    health = Agency.objects.get(name="Sở Y tế")
    services.change_incident(seaport, actor=persona("thuongtruc"), involved_agencies=[health])
    assert list(seaport.involved_agencies.all()) == [health]
    mine = Agency.objects.get(kind=Agency.Kind.LICENSED_ORGANISATION, name__contains="Than")
    with pytest.raises(ValidationError):
        services.change_incident(seaport, actor=persona("thuongtruc"), involved_agencies=[mine])
    assert list(seaport.involved_agencies.all()) == [health]


def test_a_closed_incident_is_not_changed(
    incidents: dict[str, Incident],
    persona: Callable[[str], Any],
) -> None:
    with pytest.raises(PermissionDenied):
        services.change_incident(incidents["market"], actor=persona("thuongtruc"), dead=1)
