"""The pages and the API through the scope rule: commune B sees nothing of commune A's
incident (404), a visible incident one may not change is 403; bad input is refused in
Vietnamese with nothing written; an update carries a file into the timeline."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from vigil.core.models import Attachment, AuditEvent
from vigil.org.models import Agency, Committee
from vigil.sites.demo import AIRPORT
from vigil.sites.models import KeySite
from vigil.situation.incidents.models import Incident, IncidentState, TimelineEntry

pytestmark = pytest.mark.django_db
S = IncidentState


def _url(incident: Incident, rest: str = "") -> str:
    return f"/situation/incidents/{incident.pk}/{rest}"


def _api(incident: Incident, rest: str = "") -> str:
    return f"/api/v1/incidents/{incident.pk}/{rest}"


def test_xa_b_does_not_see_commune_a_incident(
    incidents: dict[str, Incident], client_for: Callable[[str], Client],
    api_for: Callable[..., Client],
) -> None:  # fmt: skip
    airport = incidents["airport"]
    assert client_for("xa_a").get(_url(airport)).status_code == 200
    for path in (_url(airport), _url(airport, "edit/"), _url(airport, "update/"),
                 _url(airport, "move/contained/")):  # fmt: skip
        assert client_for("xa_b").get(path).status_code == 404, path
    api = api_for("xa_b", scope="write")
    assert api.get(_api(airport)).status_code == 404
    assert (
        api.patch(_api(airport), {"title": "x"}, content_type="application/json").status_code == 404
    )
    assert api.post(_api(airport, "move/"), {"to_state": "contained"},
                    content_type="application/json").status_code == 404  # fmt: skip
    assert api.get(_api(airport, "updates/")).status_code == 404
    assert airport.title not in client_for("xa_b").get("/situation/incidents/").content.decode()
    ids = {row["id"] for row in api.get("/api/v1/incidents/?page_size=500").json()["results"]}
    assert airport.pk not in ids
    assert incidents["market"].pk not in ids  # commune B's, but Mật: above xa_b's clearance


def test_a_visible_incident_one_may_not_change_is_403(
    incidents: dict[str, Incident], client_for: Callable[[str], Client],
    api_for: Callable[..., Client],
) -> None:  # fmt: skip
    border = incidents["border"]  # the Border Guard reported it: bienphong sees it
    client = client_for("kiemtoan")  # the auditor sees it, changes nothing
    assert client.get(_url(border)).status_code == 200
    assert client.get(_url(border, "edit/")).status_code == 403
    assert client.get(_url(border, "move/verified/")).status_code == 403
    assert client.post(_url(border, "move/verified/")).status_code == 403
    api = api_for("kiemtoan", scope="write")
    refused = api.post(
        _api(border, "move/"), {"to_state": "verified"}, content_type="application/json"
    )
    assert refused.status_code == 403
    # The reporting agency may not verify (403), the standing office may (200).
    bienphong = api_for("bienphong", scope="write")
    assert bienphong.post(_api(border, "move/"), {"to_state": "verified"},
                          content_type="application/json").status_code == 403  # fmt: skip
    ok = api_for("thuongtruc", scope="write").post(
        _api(border, "move/"), {"to_state": "verified", "note": "Đã xác minh"},
        content_type="application/json",
    )  # fmt: skip
    assert ok.status_code == 200 and ok.json()["state"] == "verified"
    assert [e["to_state"] for e in ok.json()["events"]] == ["reported", "verified"]


def test_the_standing_office_moves_through_the_confirm_page(
    incidents: dict[str, Incident],
    client_for: Callable[[str], Client],
) -> None:
    border = incidents["border"]
    client = client_for("thuongtruc")
    detail = client.get(_url(border)).content.decode()
    assert _url(border, "move/verified/") in detail and _url(border, "move/closed/") not in detail
    assert "Mật" in detail  # the classification is shown
    confirm = client.get(_url(border, "move/verified/"))
    assert confirm.status_code == 200
    response = client.post(_url(border, "move/verified/"), {"note": "Xác minh tại chỗ"})
    assert response.status_code == 302
    border.refresh_from_db()
    assert border.state == S.VERIFIED
    # A move the lifecycle does not allow: 403 (no button is offered for it either).
    assert client.post(_url(border, "move/reported/")).status_code == 403


def test_a_report_through_the_page(client_for: Callable[[str], Client]) -> None:
    committee = Committee.objects.get(name__endswith="đặc khu Vân Đồn")
    airport = KeySite.objects.get(name=AIRPORT)
    client = client_for("xa_a")
    assert client.get("/situation/incidents/report/").status_code == 200
    response = client.post("/situation/incidents/report/", {
        "committee": committee.pk, "title": "Đe dọa qua điện thoại", "type": "bomb_threat",
        "occurred_at": "25/11/2026 08:30", "severity": "Severe", "urgency": "Immediate",
        "certainty": "Possible", "site": airport.pk, "dead": 0, "injured": 0, "evacuated": 40,
        "classification": 0,
    })  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    incident = Incident.objects.get(title="Đe dọa qua điện thoại")
    assert incident.owning_committee == committee and incident.site == airport
    assert incident.reporting_agency.name == "Công an đặc khu Vân Đồn"
    assert incident.evacuated == 40 and not incident.is_exercise


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"site": "", "commune": ""}, "site", "Cho biết nơi xảy ra"),
        ({"occurred_at": "25/11/2027 08:30"}, "occurred_at", "tương lai"),
        ({"latitude": "30.0", "longitude": "107.1"}, "latitude", "Vĩ độ"),
        ({"latitude": "21.0"}, "longitude", "cả vĩ độ"),
        ({"evacuated": "-3"}, "evacuated", ""),
    ],
)
def test_bad_input_is_refused_in_vietnamese_and_nothing_is_written(
    client_for: Callable[[str], Client], api_for: Callable[..., Client],
    change: dict[str, str], field: str, message: str,
) -> None:  # fmt: skip
    committee = Committee.objects.get(name__endswith="đặc khu Vân Đồn")
    airport = KeySite.objects.get(name=AIRPORT)
    good = {"committee": committee.pk, "title": "Sai dữ liệu", "type": "other",
            "occurred_at": "25/11/2026 08:30", "severity": "Unknown", "urgency": "Unknown",
            "certainty": "Unknown", "site": airport.pk, "dead": 0, "injured": 0,
            "evacuated": 0, "classification": 0}  # fmt: skip
    before = Incident.objects.count(), AuditEvent.objects.filter(action="incident.reported").count()
    response = client_for("xa_a").post("/situation/incidents/report/", {**good, **change})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors and message in " ".join(errors[field])
    body: dict[str, Any] = {k: v for k, v in {**good, **change}.items() if v != ""}
    body["occurred_at"] = (
        "25/11/2026 08:30" if field != "occurred_at" else "2027-11-25T08:30:00+07:00"
    )
    for name in ("dead", "injured", "evacuated", "classification", "committee", "site"):
        if name in body:
            body[name] = int(body[name])
    api = api_for("xa_a", scope="write")
    refused = api.post("/api/v1/incidents/", {**body, "occurred_at": body["occurred_at"]
                       if field == "occurred_at" else "2026-11-25T08:30:00+07:00"},
                       content_type="application/json")  # fmt: skip
    assert refused.status_code == 400
    assert (Incident.objects.count(),
            AuditEvent.objects.filter(action="incident.reported").count()) == before  # fmt: skip


def test_the_api_reports_and_changes(api_for: Callable[..., Client]) -> None:
    committee = Committee.objects.get(name__endswith="đặc khu Vân Đồn")
    api = api_for("xa_a", scope="write")
    created = api.post("/api/v1/incidents/", {
        "committee": committee.pk, "title": "Drone lạ trên khu cảng", "type": "drone_intrusion",
        "commune": committee.admin_unit_id, "latitude": "21.1", "longitude": "107.4",
        "is_exercise": True,
    }, content_type="application/json")  # fmt: skip
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    assert created.json()["is_exercise"] is True
    changed = api.patch(f"/api/v1/incidents/{pk}/", {"injured": 2, "measures": "Phong tỏa"},
                        content_type="application/json")  # fmt: skip
    assert changed.status_code == 200 and changed.json()["injured"] == 2
    form = api.post(f"/api/v1/incidents/{pk}/updates/", {"text": "x"})  # not JSON
    assert form.status_code == 415
    found = api.get("/api/v1/incidents/?q=drone la&is_exercise=true").json()["results"]
    assert [row["id"] for row in found] == [pk]


def test_an_update_with_a_file_joins_the_timeline(
    incidents: dict[str, Incident], client_for: Callable[[str], Client],
    api_for: Callable[..., Client],
) -> None:  # fmt: skip
    airport = incidents["airport"]
    client = client_for("xa_a")
    upload = SimpleUploadedFile("bien-ban.txt", "Biên bản hiện trường\n".encode())
    response = client.post(_url(airport, "update/"), {"text": "Đã rà phá xong", "file": upload})
    assert response.status_code == 302
    entry = TimelineEntry.objects.filter(incident=airport).latest("pk")
    assert entry.text == "Đã rà phá xong" and entry.agency is not None
    file = Attachment.objects.get(parent_id=entry.pk, parent_type__model="timelineentry")
    page = client.get(_url(airport)).content.decode()
    assert "Đã rà phá xong" in page and f"/attachments/{file.pk}/" in page
    assert client.get(f"/attachments/{file.pk}/").status_code == 200
    assert client_for("xa_b").get(f"/attachments/{file.pk}/").status_code == 404
    updates = api_for("xa_a").get(_api(airport, "updates/")).json()
    assert updates[-1]["files"] == [file.pk]
    # An empty update is refused, nothing written.
    count = TimelineEntry.objects.count()
    refused = client.post(_url(airport, "update/"), {"text": "  "})
    assert refused.status_code == 400
    assert TimelineEntry.objects.count() == count
    api = api_for("xa_a", scope="write")
    entry_api = api.post(_api(airport, "updates/"), {"text": "Lực lượng rút khỏi hiện trường"},
                         content_type="application/json")  # fmt: skip
    assert entry_api.status_code == 201


def test_a_closed_incident_takes_no_update(
    incidents: dict[str, Incident],
    client_for: Callable[[str], Client],
) -> None:
    closed = incidents["exercise"]
    client = client_for("thuongtruc")
    assert client.get(_url(closed, "update/")).status_code == 403
    page = client.get(_url(closed)).content.decode()
    assert "DIỄN TẬP" in page and _url(closed, "update/") not in page


def test_the_site_page_lists_its_incidents(
    incidents: dict[str, Incident],
    client_for: Callable[[str], Client],
) -> None:
    site = incidents["airport"].site
    assert site is not None
    page = client_for("xa_a").get(f"/sites/{site.pk}/").content.decode()
    assert incidents["airport"].title in page


def test_the_list_costs_the_same_queries_for_more_rows(
    incidents: dict[str, Incident], client_for: Callable[[str], Client],
    api_for: Callable[..., Client], persona: Callable[[str], Any],
) -> None:  # fmt: skip
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from vigil.situation.incidents import services

    client, api = client_for("thuongtruc"), api_for("thuongtruc")

    def cost() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as page:
            assert client.get("/situation/incidents/").status_code == 200
        with CaptureQueriesContext(connection) as listed:
            assert api.get("/api/v1/incidents/").status_code == 200
        return len(page), len(listed)

    cost()  # warm: the scope and the content types are read once
    before = cost()
    committee = incidents["seaport"].owning_committee
    for n in range(5):
        services.report_incident(committee, actor=persona("thuongtruc"), title=f"Thêm {n}",
                                 type="other", commune=incidents["seaport"].commune,
                                 involved_agencies=list(Agency.objects.all()[:2]))  # fmt: skip
    assert cost() == before


def test_the_site_panel_leaves_a_more_classified_incident_to_the_list(
    incidents: dict[str, Incident], client_for: Callable[[str], Client],
    persona: Callable[[str], Any],
) -> None:  # fmt: skip
    from vigil.situation.incidents import services

    seaport = incidents["seaport"]
    assert seaport.site is not None and seaport.site.classification == 0
    secret = services.report_incident(
        seaport.owning_committee, actor=persona("thuongtruc"), title="Tin mật về cảng",
        type="other", site=seaport.site, classification=1,
    )  # fmt: skip
    page = client_for("thuongtruc").get(f"/sites/{seaport.site.pk}/").content.decode()
    assert seaport.title in page and secret.title not in page
    assert secret.title in client_for("thuongtruc").get("/situation/incidents/").content.decode()


def test_a_classified_incident_on_the_site_panel_is_audited_with_the_site_page(
    incidents: dict[str, Incident], client_for: Callable[[str], Client],
    persona: Callable[[str], Any],
) -> None:  # fmt: skip
    from vigil.core.audit import CoreAction
    from vigil.situation.incidents import services

    seaport = incidents["seaport"]
    assert seaport.site is not None
    KeySite.objects.filter(pk=seaport.site.pk).update(classification=1)
    secret = services.report_incident(
        seaport.owning_committee, actor=persona("thuongtruc"), title="Tin mật về cảng",
        type="other", site=seaport.site, classification=1,
    )  # fmt: skip
    page = client_for("thuongtruc").get(f"/sites/{seaport.site.pk}/").content.decode()
    assert secret.title in page
    viewed = AuditEvent.objects.filter(action=CoreAction.OBJECT_VIEWED).latest("seq")
    assert viewed.after is not None
    assert f"situation.incident:{secret.pk}" in viewed.after["shown"]
