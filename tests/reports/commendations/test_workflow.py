"""The commendation workflow: proposed → reviewed by the standing office → decided (or
refused); who may take each step; and the refusals that write nothing: no evidence,
an authority that does not grant the form, deciding twice, changing a decided one."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from vigil.core.models import AuditEvent
from vigil.org.models import Agency, Committee
from vigil.reports.commendations import demo, services
from vigil.reports.commendations.evidence import evidence_for
from vigil.reports.models import (
    Authority,
    Commendation,
    CommendationForm,
    CommendationState,
    RecipientKind,
    ReportAction,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_english() -> Any:
    with translation.override("en"):
        yield


def province() -> Committee:
    return Committee.objects.get(name__endswith="tỉnh Quảng Ninh")


def border() -> Agency:
    return Agency.objects.get(name="Bộ Chỉ huy Bộ đội Biên phòng tỉnh")


def _propose(actor: Any, **extra: Any) -> Commendation:
    values: dict[str, Any] = {
        "year": 2026, "form": CommendationForm.GIAY_KHEN,
        "authority": Authority.COMMITTEE_HEAD, "recipient_agency": border(),
        "evidence_kinds": ["exercises"],
    } | extra  # fmt: skip
    return services.propose(province(), actor=actor, **values)


def _written() -> tuple[int, int]:
    return Commendation.objects.count(), AuditEvent.objects.count()


def test_the_whole_workflow_writes_one_event_per_step(persona: Callable[[str], Any]) -> None:
    c = _propose(persona("thuongtruc"))
    assert c.state == CommendationState.PROPOSED
    assert c.owning_agency == province().standing_agency
    assert [i["kind"] for i in c.evidence] == ["exercises"]
    assert c.evidence[0]["url"] == "/exercises/?year=2026"
    c = services.review(c, actor=persona("thuongtruc"), note="Đủ điều kiện.")
    assert (c.state, c.review_note) == (CommendationState.REVIEWED, "Đủ điều kiện.")
    c = services.decide(c, actor=persona("lanhdao"), number="07/QĐ-BCĐ",
                        on=dt.date(2026, 11, 20))  # fmt: skip
    assert (c.state, c.decision_number) == (CommendationState.DECIDED, "07/QĐ-BCĐ")
    actions = list(AuditEvent.objects.filter(object_id=str(c.pk), object_type__contains="commend")
                   .order_by("seq").values_list("action", flat=True))  # fmt: skip
    assert actions == [ReportAction.COMMENDATION_PROPOSED, ReportAction.COMMENDATION_REVIEWED,
                       ReportAction.COMMENDATION_DECIDED]  # fmt: skip


def test_a_proposal_without_evidence_is_refused_and_nothing_written(
    persona: Callable[[str], Any],
) -> None:
    before = _written()
    with pytest.raises(ValidationError, match="at least one piece of evidence"):
        _propose(persona("thuongtruc"), evidence_kinds=[])
    # Evidence Vigil does not show for the recipient (no task done for it) is no evidence.
    with pytest.raises(ValidationError, match="from what Vigil shows"):
        _propose(persona("thuongtruc"), evidence_kinds=["tasks"])
    assert _written() == before


def test_an_authority_that_does_not_grant_the_form_is_refused(
    persona: Callable[[str], Any],
) -> None:
    before = _written()
    with pytest.raises(ValidationError, match="does not grant this form"):
        _propose(persona("thuongtruc"), form=CommendationForm.BANG_KHEN)  # committee head
    with pytest.raises(ValidationError, match="commune chairman"):
        _propose(persona("thuongtruc"), authority=Authority.COMMUNE_CHAIRMAN)
    assert _written() == before


def test_who_may_propose_review_and_decide(persona: Callable[[str], Any]) -> None:
    before = _written()
    for who in ("congthuong", "bienphong", "kiemtoan", "xa_a"):
        with pytest.raises(PermissionDenied):
            _propose(persona(who))
    assert _written() == before
    c = _propose(persona("lanhdao"))
    for who in ("lanhdao", "congthuong"):  # a leader decides; the standing office reviews
        with pytest.raises(PermissionDenied):
            services.review(c, actor=persona(who))
    with pytest.raises(ValidationError, match="review this proposal first"):
        services.decide(c, actor=persona("lanhdao"), number="1/QĐ", on=dt.date(2026, 11, 1))
    c = services.review(c, actor=persona("thuongtruc"))
    with pytest.raises(PermissionDenied):
        services.decide(c, actor=persona("thuongtruc"), number="1/QĐ", on=dt.date(2026, 11, 1))


def test_deciding_twice_and_changing_a_decided_one_are_refused(
    persona: Callable[[str], Any],
) -> None:
    c = Commendation.objects.get(decision_number=demo.DECISION_NUMBER)
    assert c.state == CommendationState.DECIDED
    before = _written()
    with pytest.raises(ValidationError, match="already decided"):
        services.decide(c, actor=persona("lanhdao"), number="2/QĐ", on=dt.date(2026, 11, 2))
    with pytest.raises(ValidationError, match="already decided"):
        services.change(c, actor=persona("thuongtruc"), achievement="Khác")
    with pytest.raises(ValidationError, match="already decided"):
        services.refuse(c, actor=persona("thuongtruc"), reason="Không")
    assert _written() == before
    c.refresh_from_db()
    assert c.decision_number == demo.DECISION_NUMBER


def test_a_proposal_is_changed_while_proposed_and_a_stale_version_refused(
    persona: Callable[[str], Any],
) -> None:
    c = _propose(persona("thuongtruc"))
    c = services.change(c, actor=persona("thuongtruc"), version=1,
                        achievement="Hoàn thành xuất sắc nhiệm vụ", evidence_kinds=["alerts"])  # fmt: skip
    assert (c.version, c.achievement) == (2, "Hoàn thành xuất sắc nhiệm vụ")
    assert [i["kind"] for i in c.evidence] == ["alerts"]
    with pytest.raises(services.StaleCommendation):
        services.change(c, actor=persona("thuongtruc"), version=1, achievement="x")
    with pytest.raises(ValidationError, match="does not grant"):
        services.change(c, actor=persona("thuongtruc"), form=CommendationForm.BANG_KHEN)
    c.refresh_from_db()
    assert c.form == CommendationForm.GIAY_KHEN


def test_refusing_needs_a_reason_and_ends_the_proposal(persona: Callable[[str], Any]) -> None:
    c = _propose(persona("thuongtruc"))
    with pytest.raises(ValidationError, match="Say why"):
        services.refuse(c, actor=persona("thuongtruc"), reason=" ")
    c = services.refuse(c, actor=persona("thuongtruc"), reason="Chưa đủ thành tích.")
    assert c.state == CommendationState.REFUSED
    with pytest.raises(ValidationError, match="was refused"):
        services.review(c, actor=persona("thuongtruc"))


def test_an_individual_is_a_name_a_position_and_a_unit_with_an_achievement(
    persona: Callable[[str], Any],
) -> None:
    police = Agency.objects.get(name="Công an tỉnh Quảng Ninh")
    base = {"recipient_agency": None, "unit": police, "person_name": "Trần Thị Lan",
            "person_position": "Cán bộ", "evidence_kinds": ["exercises"]}  # fmt: skip
    with pytest.raises(ValidationError, match="what the person achieved"):
        _propose(persona("thuongtruc"), **base)
    c = _propose(persona("thuongtruc"), **base, achievement="Trực tiếp tham gia diễn tập")
    assert c.recipient_kind == RecipientKind.INDIVIDUAL
    assert (c.person_name, c.person_position, c.person_unit) == (
        "Trần Thị Lan", "Cán bộ", "Công an tỉnh Quảng Ninh")  # fmt: skip
    assert c.recipient_agency_id is None and c.recipient_committee_id is None


def test_the_demo_holds_a_decision_a_proposal_to_commune_a_and_an_individual() -> None:
    rows = {c.state + ":" + c.recipient_kind: c for c in Commendation.objects.filter(year=2026)}
    decided = rows["decided:collective"]
    assert decided.form == CommendationForm.GIAY_KHEN and decided.recipient_agency is not None
    commune = Commendation.objects.get(recipient_committee__name__endswith="đặc khu Vân Đồn")
    assert (commune.form, commune.state) == (CommendationForm.BANG_KHEN, "proposed")
    person = Commendation.objects.get(person_name=demo.PERSON_NAME)
    assert person.state == "proposed" and person.person_unit == "Công an tỉnh Quảng Ninh"


def test_the_evidence_of_the_demo_agencies(persona: Callable[[str], Any]) -> None:
    dit = Agency.objects.get(name="Sở Công Thương")
    items = {i["kind"]: i for i in evidence_for(persona("thuongtruc"), 2026, agency=dit)}
    assert items["exercises"]["figure"].startswith("1 cuộc")
    assert items["alerts"]["figure"] == "2/3 (67%)"
    assert items["reports"]["figure"].endswith("(0%)")
    assert set(items) == {"exercises", "alerts", "reports"}
    a = Committee.objects.get(name__endswith="đặc khu Vân Đồn")
    kinds = {i["kind"] for i in evidence_for(persona("thuongtruc"), 2026, committee=a)}
    assert "exercises" in kinds
    # Another year shows nothing of those.
    assert evidence_for(persona("thuongtruc"), 2020, agency=dit) == []


def test_an_agency_head_proposes_for_their_own_agency_only(
    persona: Callable[[str], Any],
) -> None:
    from vigil.core.audit import SystemActor
    from vigil.org import services as org

    head = persona("congthuong")
    dit = Agency.objects.get(name="Sở Công Thương")
    org.grant_membership(head, agency=dit, role="agency_head", valid_from=dt.date(2026, 1, 1),
                         actor=SystemActor("test"))  # fmt: skip
    head = persona("congthuong")  # a fresh scope
    with pytest.raises(PermissionDenied):
        _propose(head)  # the Border Guard is not theirs
    c = _propose(head, recipient_agency=dit)
    assert (c.owning_agency, c.owning_committee) == (dit, province())
    c = services.change(c, actor=head, achievement="Phối hợp tốt")
    assert c.achievement == "Phối hợp tốt"
    with pytest.raises(PermissionDenied):  # the standing office reviews, not the proposer
        services.review(c, actor=head)
