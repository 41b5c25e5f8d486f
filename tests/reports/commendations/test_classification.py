"""A proposal is as classified as the evidence it cites: figures counted from Mật
objects make a Mật proposal (page, API, decision), which a Thường user of the
recipient does not see; never above the proposer's clearance. The evidence API
answers an agency out of sight as one that does not exist, and audits classified
evidence. The commendations section's figures equal the list each one links to."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from vigil.core.audit import CoreAction
from vigil.core.models import AuditEvent
from vigil.org.models import Agency, Committee
from vigil.reports.commendations import documents, services
from vigil.reports.models import Authority, Commendation, CommendationForm
from vigil.reports.periods import period_of
from vigil.reports.sections import commendations
from vigil.reports.sections.base import Context
from vigil.situation.alerts.models import Alert, AlertDelivery

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_english() -> Any:
    with translation.override("en"):
        yield


def province() -> Committee:
    return Committee.objects.get(name__endswith="tỉnh Quảng Ninh")


def dit() -> Agency:
    return Agency.objects.get(name="Sở Công Thương")


def _secret_alerts_of(agency: Agency) -> None:
    """The alerts the agency received are Mật: its alerts evidence counts them."""
    alerts = AlertDelivery.objects.filter(agency=agency).values("alert")
    assert Alert.objects.filter(pk__in=alerts).update(classification=1)


def _propose(actor: Any, kinds: list[str]) -> Commendation:
    return services.propose(
        province(), actor=actor, year=2026, form=CommendationForm.GIAY_KHEN,
        authority=Authority.COMMITTEE_HEAD, recipient_agency=dit(), evidence_kinds=kinds,
    )  # fmt: skip


def _seen(client: Client, c: Commendation) -> tuple[int, int]:
    page = client.get(reverse("reports:commendation_detail", args=[c.pk])).status_code
    docx = client.get(reverse("reports:commendation_docx", args=[c.pk])).status_code
    assert page == docx
    return page, docx


def test_a_proposal_citing_figures_of_mat_objects_is_mat(
    persona: Callable[[str], Any], client_for: Callable[[str], Client],
    api_for: Callable[..., Client],
) -> None:  # fmt: skip
    plain = _propose(persona("thuongtruc"), ["exercises"])
    assert plain.classification == 0 and plain.evidence[0]["classification"] == 0
    _secret_alerts_of(dit())
    c = _propose(persona("thuongtruc"), ["exercises", "alerts"])
    assert c.classification == 1
    assert [i["classification"] for i in c.evidence] == [0, 1]
    assert documents.official_document(c).classification_stamp == "MẬT"
    # The recipient's own Thường officer sees the Thường proposal, not the Mật one.
    reader, api = client_for("congthuong"), api_for("congthuong")
    assert _seen(reader, plain) == (200, 200)
    assert _seen(reader, c) == (404, 404)
    assert api.get(f"/api/v1/commendations/{plain.pk}/").status_code == 200
    assert api.get(f"/api/v1/commendations/{c.pk}/").status_code == 404
    body = api_for("thuongtruc").get(f"/api/v1/commendations/{c.pk}/").json()
    assert body["classification"] == 1 and body["evidence"][1]["classification"] == 1
    # Changed to cite only Thường figures, it is Thường again; and back.
    c = services.change(c, actor=persona("thuongtruc"), evidence_kinds=["exercises"])
    assert c.classification == 0
    c = services.change(c, actor=persona("thuongtruc"), evidence_kinds=["alerts"])
    assert c.classification == 1
    assert _seen(reader, c) == (404, 404)


def test_never_above_the_proposers_clearance(
    persona: Callable[[str], Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = [{"kind": "alerts", "label": "x", "url": "/", "figure": "1/1 (100%)",
               "classification": 2}]  # fmt: skip
    monkeypatch.setattr(services, "evidence_for", lambda *a, **k: secret)
    before = Commendation.objects.count(), AuditEvent.objects.count()
    with pytest.raises(ValidationError, match="above your clearance"):
        _propose(persona("thuongtruc"), ["alerts"])  # Mật, the evidence Tối mật
    assert (Commendation.objects.count(), AuditEvent.objects.count()) == before


def test_the_evidence_api_follows_the_directory_and_audits_classified_evidence(
    persona: Callable[[str], Any], api_for: Callable[..., Client],
) -> None:  # fmt: skip
    # A licensed organisation sees its own agency and its licensers only.
    outsider = api_for("kho_mo")
    border = Agency.objects.get(name="Bộ Chỉ huy Bộ đội Biên phòng tỉnh")
    unknown = outsider.get("/api/v1/commendations/evidence/?year=2026&agency=999999")
    hidden = outsider.get(f"/api/v1/commendations/evidence/?year=2026&agency={border.pk}")
    assert unknown.status_code == hidden.status_code == 400
    assert unknown.json() == hidden.json()

    def viewed() -> list[AuditEvent]:
        return list(AuditEvent.objects.filter(action=CoreAction.OBJECT_VIEWED,
                                              object_type="org.agency"))  # fmt: skip

    api = api_for("thuongtruc")
    assert api.get(f"/api/v1/commendations/evidence/?year=2026&agency={dit().pk}").json()
    assert viewed() == []  # Thường evidence records nothing
    _secret_alerts_of(dit())
    items = api.get(f"/api/v1/commendations/evidence/?year=2026&agency={dit().pk}").json()
    assert max(i["classification"] for i in items) == 1
    [event] = viewed()
    assert (event.object_id, event.classification) == (str(dit().pk), 1)


def test_the_section_figures_equal_the_lists_they_link_to(
    persona: Callable[[str], Any], client_for: Callable[[str], Client],
) -> None:  # fmt: skip
    refused = _propose(persona("thuongtruc"), ["exercises"])
    services.refuse(refused, actor=persona("thuongtruc"), reason="Chưa đủ điều kiện.")
    for who, committee in (("thuongtruc", province()),
                           ("xa_a", Committee.objects.get(name__endswith="đặc khu Vân Đồn"))):  # fmt: skip
        ctx = Context(viewer=persona(who), committee=committee,
                      period=period_of("annual", 2026), today=dt.date(2026, 11, 25))  # fmt: skip
        content = commendations.compute(ctx)
        client = client_for(who)
        for f in content.figures:
            assert f"committee={committee.pk}" in f.source
            listed = client.get(f.source).context["page"].paginator.count
            assert listed == f.value, (who, f.key)
        counts = {f.key: f.value for f in content.figures}
        assert counts["proposed"] == sum(
            int(counts[k] or 0) for k in ("decided", "pending", "refused")
        )
        if who == "thuongtruc":
            assert content.figure("decided") and content.figure("refused")
