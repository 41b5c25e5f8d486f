"""A plan version's workflow: draft → submitted → approved (in force) → superseded,
or returned with comments; what is refused changes nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.conftest import TEST_TODAY
from tests.sites.helpers import SECTIONS, SYSTEM, new_plan, submitted
from vigil.core.models import AuditEvent
from vigil.sites import queries, services
from vigil.sites.models import Freshness, PlanVersion, VersionStatus

pytestmark = pytest.mark.django_db
Persona = Callable[[str], Any]


def test_a_leader_approves_and_the_previous_version_is_superseded(persona: Persona) -> None:
    plan = new_plan()
    first = submitted(plan)
    services.approve_version(first, decision_number="1/QĐ-BCĐ",
                             approved_on=TEST_TODAY - dt.timedelta(days=400), actor=SYSTEM)  # fmt: skip
    plan.refresh_from_db()
    assert queries.freshness(plan) == Freshness.OVERDUE
    second = submitted(plan, persona("thuongtruc"))
    services.approve_version(second, decision_number="2/QĐ-BCĐ", actor=persona("lanhdao"))
    plan.refresh_from_db()
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (VersionStatus.SUPERSEDED, VersionStatus.APPROVED)
    assert plan.in_force == second
    assert plan.next_review_on == queries.add_months(TEST_TODAY, 12)
    assert queries.freshness(plan) == Freshness.CURRENT
    event = AuditEvent.objects.order_by("-seq").first()
    assert event is not None and event.action == "plan_version.approved"
    assert event.actor_label.startswith("lanhdao")


def _refused(version: PlanVersion, call: Callable[[], object], error: type[Exception]) -> str:
    events = AuditEvent.objects.count()
    before = PlanVersion.objects.values().get(pk=version.pk)
    with pytest.raises(error) as info:
        call()
    assert PlanVersion.objects.values().get(pk=version.pk) == before
    assert AuditEvent.objects.count() == events
    return " ".join(getattr(info.value, "messages", [str(info.value)]))


def test_approving_twice_is_refused(persona: Persona) -> None:
    version = submitted(new_plan())
    services.approve_version(version, decision_number="3/QĐ-BCĐ", actor=persona("lanhdao"))
    message = _refused(version, lambda: services.approve_version(
        version, decision_number="4/QĐ-BCĐ", actor=persona("lanhdao")), ValidationError)  # fmt: skip
    assert "đã được phê duyệt" in message


def test_the_author_cannot_approve_their_own_version(persona: Persona) -> None:
    leader = persona("lanhdao")
    version = submitted(new_plan(), leader)
    message = _refused(version, lambda: services.approve_version(
        version, decision_number="5/QĐ-BCĐ", actor=leader), PermissionDenied)  # fmt: skip
    assert "Người soạn" in message


def test_an_approval_needs_a_decision_number(persona: Persona) -> None:
    version = submitted(new_plan())
    message = _refused(version, lambda: services.approve_version(
        version, decision_number="  ", actor=persona("lanhdao")), ValidationError)  # fmt: skip
    assert "số quyết định" in message


def test_only_a_leader_approves(persona: Persona) -> None:
    version = submitted(new_plan())
    _refused(version, lambda: services.approve_version(
        version, decision_number="6/QĐ-BCĐ", actor=persona("thuongtruc")), PermissionDenied)  # fmt: skip


def test_a_draft_is_not_approved_and_a_submitted_version_is_not_edited(persona: Persona) -> None:
    plan = new_plan()
    draft = services.add_version(plan, sections=SECTIONS, actor=SYSTEM)
    _refused(draft, lambda: services.approve_version(
        draft, decision_number="7/QĐ-BCĐ", actor=persona("lanhdao")), ValidationError)  # fmt: skip
    services.submit_version(draft, actor=SYSTEM)
    _refused(draft, lambda: services.update_version(
        draft, sections={"situation": "khác"}, actor=SYSTEM), ValidationError)  # fmt: skip
    with pytest.raises(ValidationError):  # one version in preparation at a time
        services.add_version(plan, actor=SYSTEM)


def test_a_returned_version_keeps_its_comments_and_a_new_draft_follows(persona: Persona) -> None:
    plan = new_plan()
    version = submitted(plan)
    _refused(version, lambda: services.return_version(
        version, comments=" ", actor=persona("thuongtruc")), ValidationError)  # fmt: skip
    services.return_version(
        version, comments="Bổ sung lực lượng y tế.", actor=persona("thuongtruc")
    )
    version.refresh_from_db()
    assert (version.status, version.comments) == (VersionStatus.RETURNED, "Bổ sung lực lượng y tế.")
    again = services.add_version(plan, actor=SYSTEM)
    assert (again.number, again.situation) == (2, SECTIONS["situation"])


def test_an_officer_of_another_commune_cannot_submit(persona: Persona) -> None:
    plan = new_plan()
    draft = services.add_version(plan, sections=SECTIONS, actor=SYSTEM)
    _refused(draft, lambda: services.submit_version(draft, actor=persona("xa_b")),
             PermissionDenied)  # fmt: skip


def test_a_required_revision_is_cleared_by_the_next_approval(persona: Persona) -> None:
    plan = new_plan()
    services.approve_version(submitted(plan), decision_number="8/QĐ-BCĐ", actor=SYSTEM)
    plan = services.require_revision(plan, reason="Diễn tập phát hiện thiếu sót.", actor=SYSTEM)
    assert queries.freshness(plan) == Freshness.REVISION_REQUIRED
    services.approve_version(submitted(plan), decision_number="9/QĐ-BCĐ", actor=persona("lanhdao"))
    plan.refresh_from_db()
    assert queries.freshness(plan) == Freshness.CURRENT
