"""The incident page leads on: its flash reports and the "Flash report" button, the
alerts about it the user may see, and "Draft an alert", which opens the draft form
filled from the incident."""

from __future__ import annotations

from collections.abc import Callable

import lxml.html
import pytest
from django.test import Client
from django.urls import reverse

from tests.situation.alerts.helpers import agency, draft, user
from vigil.situation.alerts import services
from vigil.situation.alerts.models import Alert, AlertState, CapStatus
from vigil.situation.incidents.demo import TITLES
from vigil.situation.incidents.models import FlashReport, Incident

pytestmark = pytest.mark.django_db


def incident(key: str) -> Incident:
    return Incident.objects.get(title=TITLES[key])


def page(client: Client, url: str) -> lxml.html.HtmlElement:
    response = client.get(url)
    assert response.status_code == 200, url
    return lxml.html.fromstring(response.content.decode())


def detail(pk: int) -> str:
    return reverse("situation:incident_detail", kwargs={"pk": pk})


def draft_url(pk: int) -> str:
    return f"{reverse('situation:alert_new')}?incident={pk}"


def test_the_standing_office_sees_the_flash_report_and_its_buttons(
    client_for: Callable[[str], Client],
) -> None:
    seaport = incident("seaport")
    report = FlashReport.objects.get(incident=seaport)  # the demo's
    doc = page(client_for("thuongtruc"), detail(seaport.pk))
    new = reverse("situation:flash_report_new", kwargs={"pk": seaport.pk})
    (button,) = doc.xpath(f"//a[@href='{new}']")
    assert button.text_content() == "Báo cáo nhanh"
    shown = reverse("situation:flash_report_detail", kwargs={"pk": report.pk})
    (link,) = doc.xpath(f"//section[@aria-labelledby='flash-title']//a[@href='{shown}']")
    assert report.symbol in link.text_content()
    (write,) = doc.xpath(f"//a[@href='{draft_url(seaport.pk)}']")
    assert write.text_content() == "Soạn cảnh báo"


def test_no_button_for_who_may_not_and_none_on_a_reported_incident(
    client_for: Callable[[str], Client],
) -> None:
    seaport = incident("seaport")
    doc = page(client_for("kiemtoan"), detail(seaport.pk))  # the auditor reads, acts not
    assert not doc.xpath("//a[contains(@href, '/situation/flash/new/')]")
    assert not doc.xpath("//a[contains(@href, '?incident=')]")
    assert doc.xpath("//section[@aria-labelledby='flash-title']")  # but sees the report
    border = incident("border")  # reported, not verified: no flash report yet
    doc = page(client_for("thuongtruc"), detail(border.pk))
    assert not doc.xpath("//a[contains(@href, '/situation/flash/new/')]")
    assert doc.xpath(f"//a[@href='{draft_url(border.pk)}']")  # an alert, though, may go


def test_the_alerts_about_the_incident_are_those_the_user_may_see(
    client_for: Callable[[str], Client],
) -> None:
    airport = incident("airport")  # commune A's
    alert = draft(incidents=[airport], addressed_agencies=[agency("SCT")])
    link = reverse("situation:alert_detail", kwargs={"pk": alert.pk})
    office = page(client_for("thuongtruc"), detail(airport.pk))
    assert office.xpath(f"//section[@aria-labelledby='alerts-title']//a[@href='{link}']")
    # Commune A's standing office sees the incident, not the province's draft (nor,
    # once sent, an alert not addressed to it).
    commune = client_for("xa_a")
    assert not page(commune, detail(airport.pk)).xpath(f"//a[@href='{link}']")
    services.approve(alert, actor=user("lanhdao"))
    assert not page(commune, detail(airport.pk)).xpath(f"//a[@href='{link}']")
    assert page(commune, detail(airport.pk)).xpath(f"//a[@href='{draft_url(airport.pk)}']")
    assert page(client_for("kiemtoan"), detail(airport.pk)).xpath(f"//a[@href='{link}']")


def test_draft_an_alert_starts_from_the_incident(client_for: Callable[[str], Client]) -> None:
    airport = incident("airport")
    client = client_for("thuongtruc")
    doc = page(client, draft_url(airport.pk))
    form = doc.xpath("//form[contains(@class, 'alert-form')]")[0]
    values = dict(form.form_values())
    assert values["committee"] == str(airport.owning_committee_id)
    assert values["event"] == "Vật thể khả nghi"  # its type
    assert values["headline"] == airport.title
    assert (values["urgency"], values["severity"], values["certainty"]) == (
        "Immediate", "Moderate", "Observed",
    )  # fmt: skip
    assert values["area_desc"] == airport.place or airport.site.name  # type: ignore[union-attr]
    assert values["cap_status"] == CapStatus.ACTUAL
    ticked = form.xpath("//input[@name='incidents' and @checked]/@value")
    assert ticked == [str(airport.pk)]
    assert form.xpath("//input[@name='sites' and @checked]/@value") == [str(airport.site_id)]

    # The officer ticks a recipient and saves: the draft is about the incident.
    data: dict[str, list[str]] = {}
    for name, value in [*form.form_values(), ("addressed_agencies", str(agency("SCT").pk))]:
        data.setdefault(name, []).append(value)
    response = client.post(reverse("situation:alert_new"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    alert = Alert.objects.get(headline=airport.title)
    assert alert.state == AlertState.DRAFT
    assert list(alert.incidents.all()) == [airport]
    assert alert.owning_committee_id == airport.owning_committee_id
    assert (alert.urgency, alert.severity, alert.certainty) == ("Immediate", "Moderate", "Observed")


def test_an_exercise_incident_drafts_an_exercise_alert(
    client_for: Callable[[str], Client],
) -> None:
    drill = incident("exercise")
    doc = page(client_for("thuongtruc"), draft_url(drill.pk))
    form = doc.xpath("//form[contains(@class, 'alert-form')]")[0]
    assert dict(form.form_values())["cap_status"] == CapStatus.EXERCISE


def test_an_incident_the_user_may_not_see_is_not_found(
    client_for: Callable[[str], Client],
) -> None:
    client = client_for("xa_a")
    assert client.get(draft_url(incident("border").pk)).status_code == 404
    assert client.get(f"{reverse('situation:alert_new')}?incident=x").status_code == 404
    assert client.get(draft_url(incident("airport").pk)).status_code == 200


def test_a_classified_alert_on_the_page_is_an_audited_read(
    client_for: Callable[[str], Client],
) -> None:
    from vigil.core.audit import CoreAction
    from vigil.core.models import AuditEvent

    airport = incident("airport")  # unclassified
    alert = draft(incidents=[airport], classification=1)  # Mật
    before = AuditEvent.objects.filter(action=CoreAction.OBJECT_VIEWED).count()
    client_for("thuongtruc").get(detail(airport.pk))
    viewed = AuditEvent.objects.filter(action=CoreAction.OBJECT_VIEWED).order_by("pk")
    assert viewed.count() == before + 1
    last = viewed.last()
    assert last is not None and last.after is not None
    assert f"situation.alert:{alert.pk}" in last.after["shown"]


def test_the_incidents_are_reached_from_the_situation_pages(
    client_for: Callable[[str], Client],
) -> None:
    airport = incident("airport")
    client = client_for("thuongtruc")
    listing = reverse("situation:incident_list")
    for url in (reverse("situation:picture"), reverse("situation:alert_list"), listing):
        assert page(client, url).xpath(f"//nav[@class='subnav']//a[@href='{listing}']"), url
    assert page(client, reverse("situation:picture")).xpath(f"//a[@href='{detail(airport.pk)}']")
    alert = draft(incidents=[airport])
    shown = page(client, reverse("situation:alert_detail", kwargs={"pk": alert.pk}))
    assert shown.xpath(f"//a[@href='{detail(airport.pk)}']")
