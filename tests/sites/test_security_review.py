"""The security review of the sites app: what a reader is shown of a plan's sites,
the creator's clearance, the two-person rule on approval, who may declassify a
site, and the categories of other committees."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable

import pytest
from django.test import Client
from docx import Document

from tests.sites.helpers import SECTIONS, SYSTEM, commune_a, new_site, province
from vigil.accounts.models import User
from vigil.accounts.services import create_user
from vigil.core.classification import Classification
from vigil.core.models import AuditEvent
from vigil.org import services as org_services
from vigil.org.models import Agency, Committee, Role
from vigil.sites import services
from vigil.sites.models import KeySite, Plan, PlanVersion, SiteCategory, VersionStatus

pytestmark = pytest.mark.django_db


def _agency(name: str) -> Agency:
    return Agency.objects.get(name=name)


BORDER = "Bộ Chỉ huy Bộ đội Biên phòng tỉnh"
DIT = "Sở Công Thương"


def _two_agency_plan() -> tuple[Plan, KeySite, KeySite]:
    """A plan of the border guard's site that also covers the trade department's."""
    own = new_site("Đồn biên phòng thử", responsible_agency=_agency(BORDER))
    other = new_site("Kho xăng dầu kín", responsible_agency=_agency(DIT))
    plan = services.create_plan(province(), code_name="KB-HAI 01", sites=[own, other],
                                owning_agency=_agency(BORDER), actor=SYSTEM)  # fmt: skip
    return plan, own, other


def test_a_plan_names_only_the_sites_its_reader_sees(
    client_for: Callable[[str], Client], api_for: Callable[..., Client]
) -> None:
    plan, own, other = _two_agency_plan()
    version = services.add_version(plan, sections=SECTIONS, actor=SYSTEM)
    response = client_for("bienphong").get(f"/plan-versions/{version.pk}/docx/")
    assert response.status_code == 200
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert own.name in text and other.name not in text
    api = api_for("bienphong")
    assert api.get(f"/api/v1/plans/{plan.pk}/").json()["sites"] == [own.pk]
    listed = api.get("/api/v1/plans/").json()["results"]
    assert [row["sites"] for row in listed if row["id"] == plan.pk] == [[own.pk]]
    # A hidden site's id filters to nothing: no oracle of what it is part of.
    assert api.get("/api/v1/plans/", {"site": other.pk}).json()["results"] == []
    assert [row["id"] for row in api.get("/api/v1/plans/", {"site": own.pk}).json()["results"]] == [
        plan.pk
    ]
    # The API's .docx too.
    data = api.get(f"/api/v1/plan-versions/{version.pk}/docx/").content
    assert other.name not in "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)


def test_a_site_above_the_creators_clearance_is_refused_and_nothing_written(
    api_for: Callable[..., Client],
) -> None:
    body = {
        "committee": commune_a().pk, "name": "Trạm mật thử",
        "category": SiteCategory.objects.get(code="other").pk,
        "responsible_agency": commune_a().standing_agency_id,
        "classification": Classification.CONFIDENTIAL,
    }  # fmt: skip
    api = api_for("xa_a", "write")  # (its token is an event of its own)
    sites, events = KeySite.objects.count(), AuditEvent.objects.count()
    response = api.post("/api/v1/sites/", body, content_type="application/json")
    assert response.status_code == 400
    assert "classification" in response.json()["error"]["fields"]
    assert (KeySite.objects.count(), AuditEvent.objects.count()) == (sites, events)


def _leader(username: str) -> User:
    user = create_user(
        username=username, full_name="Lãnh đạo thử", email=f"{username}@test.invalid",
        password="x", clearance=Classification.SECRET, actor=SYSTEM, check_password=False,
    )  # fmt: skip
    org_services.grant_membership(
        user, agency=_agency("Ủy ban nhân dân tỉnh Quảng Ninh"), role=Role.COMMITTEE_LEADER, committee=province(), valid_from=dt.date(2025, 7, 1),
        actor=SYSTEM,
    )  # fmt: skip
    return user


def test_a_leader_who_edited_a_draft_cannot_approve_it(
    persona: Callable[[str], User], api_for: Callable[..., Client]
) -> None:
    site = new_site("Cầu thử hai người")
    plan = services.create_plan(province(), code_name="KB-2N 01", sites=[site], actor=SYSTEM)
    draft = services.add_version(plan, sections=SECTIONS, actor=persona("thuongtruc"))
    services.update_version(draft, sections={**SECTIONS, "cordon": "Phong tỏa 500 m."},
                            actor=persona("lanhdao"))  # fmt: skip
    services.submit_version(draft, actor=persona("thuongtruc"))
    approve = {"decision_number": "12/QĐ-BCĐ"}
    url = f"/api/v1/plan-versions/{draft.pk}/approve/"
    refused = api_for("lanhdao", "write").post(url, approve, content_type="application/json")
    assert refused.status_code == 403
    assert PlanVersion.objects.get(pk=draft.pk).status == VersionStatus.SUBMITTED
    _leader("lanhdao2")
    done = api_for("lanhdao2", "write").post(url, approve, content_type="application/json")
    assert done.status_code == 200, done.content
    assert PlanVersion.objects.get(pk=draft.pk).status == VersionStatus.APPROVED


def test_the_submitter_cannot_approve_either(
    persona: Callable[[str], User], api_for: Callable[..., Client]
) -> None:
    site = new_site("Cầu thử nộp")
    plan = services.create_plan(province(), code_name="KB-2N 02", sites=[site], actor=SYSTEM)
    draft = services.add_version(plan, sections=SECTIONS, actor=SYSTEM)
    services.submit_version(draft, actor=persona("lanhdao"))
    url = f"/api/v1/plan-versions/{draft.pk}/approve/"
    body = {"decision_number": "13/QĐ-BCĐ"}
    response = api_for("lanhdao", "write").post(url, body, content_type="application/json")
    assert response.status_code == 403
    assert PlanVersion.objects.get(pk=draft.pk).status == VersionStatus.SUBMITTED


def test_an_agency_officer_cannot_lower_a_sites_classification(
    client_for: Callable[[str], Client],
) -> None:
    site = new_site("Đồn mật thử", responsible_agency=_agency(BORDER),
                    classification=Classification.CONFIDENTIAL)  # fmt: skip
    form = {
        "name": "Đồn mật thử (sửa)", "category": site.category_id,
        "responsible_agency": site.responsible_agency_id, "criticality": 3,
        "classification": Classification.UNCLASSIFIED,
    }  # fmt: skip
    events = AuditEvent.objects.count()
    client = client_for("bienphong")
    response = client.post(f"/sites/{site.pk}/edit/", form)
    assert response.status_code == 200  # the form again, with the refusal
    site.refresh_from_db()
    assert (site.name, site.classification) == ("Đồn mật thử", Classification.CONFIDENTIAL)
    assert AuditEvent.objects.count() == events
    # Other fields, the level kept, are the officer's to change.
    form["classification"] = Classification.CONFIDENTIAL
    assert client.post(f"/sites/{site.pk}/edit/", form).status_code == 302
    site.refresh_from_db()
    assert site.name == "Đồn mật thử (sửa)"


def test_a_declassified_sites_event_keeps_the_higher_level(persona: Callable[[str], User]) -> None:
    site = new_site("Kho mật thử", classification=Classification.CONFIDENTIAL)
    services.update_site(site, classification=Classification.UNCLASSIFIED,
                         actor=persona("thuongtruc"))  # fmt: skip
    event = AuditEvent.objects.filter(object_id=str(site.pk)).latest("pk")
    assert event.classification == Classification.CONFIDENTIAL


def test_another_committees_category_is_not_offered_nor_taken(
    client_for: Callable[[str], Client], api_for: Callable[..., Client]
) -> None:
    commune_b = Committee.objects.get(name__endswith="phường Móng Cái 1")
    theirs = services.add_category(commune_b, code="ben-tau-mong-cai", name="Bến tàu Móng Cái riêng",
                                   actor=SYSTEM)  # fmt: skip
    client = client_for("xa_a")
    assert theirs.name not in client.get("/sites/").content.decode()
    assert theirs.name not in client.get("/sites/new/").content.decode()
    assert theirs.name in client_for("xa_b").get("/sites/new/").content.decode()
    body = {"committee": commune_a().pk, "name": "Bến thử", "category": theirs.pk,
            "responsible_agency": commune_a().standing_agency_id}  # fmt: skip
    sites = KeySite.objects.count()
    response = api_for("xa_a", "write").post(
        "/api/v1/sites/", body, content_type="application/json"
    )
    assert response.status_code == 404
    assert KeySite.objects.count() == sites
