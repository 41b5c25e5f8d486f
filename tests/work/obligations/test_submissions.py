"""A unit's report: typed values, draft, submit, return, accept; no edit after
acceptance; scope (own submissions only); no lost update."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from tests.work.obligations.conftest import World, by_unit, report
from vigil.core.models import AuditEvent
from vigil.inbox.models import EscalationCase
from vigil.work.obligations import chasing, services, submissions
from vigil.work.obligations.models import ReportObligation, ReportSubmission

pytestmark = pytest.mark.django_db
GOOD = {"incidents": "2", "readiness": "93,5", "plans_updated": "yes"}


@pytest.fixture
def period(world: World, make_obligation: Callable[..., ReportObligation]) -> Any:
    obligation = make_obligation()
    return services.open_period(
        obligation, day=dt.date(2026, 2, 1), actor=world.user("thuongtruc")
    ).period


def test_values_are_stored_by_their_declared_type(world: World, period: Any) -> None:
    sub = by_unit(period)[world.dit]
    submissions.save_draft(sub, values=GOOD, narrative={"situation": " Ổn định "}, revision=0,
                        actor=world.user("congthuong"))  # fmt: skip
    sub.refresh_from_db()
    assert sub.values == {"incidents": 2, "readiness": "93.5", "plans_updated": True}
    assert sub.narrative == {"situation": "Ổn định"}
    assert (sub.state, sub.revision) == ("draft", 1)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"incidents": "two"}, "must be a number"),
        ({"incidents": "2.5"}, "whole number"),
        ({"incidents": -1}, "cannot be negative"),
        ({"incidents": True}, "must be a number"),
        ({"readiness": "1.23456"}, "4 decimal places"),
        ({"readiness": "NaN"}, "must be a number"),
        ({"plans_updated": "maybe"}, "yes or no"),
        ({"proposals": 12}, "is text"),
        ({"unknown": 1}, "no field unknown"),
    ],
)
def test_it_refuses_a_value_of_the_wrong_type_and_writes_nothing(
    world: World, period: Any, values: dict[str, Any], message: str
) -> None:
    sub = by_unit(period)[world.dit]
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError, match=message):
        submissions.save_draft(sub, values=values, revision=0, actor=world.user("congthuong"))
    sub.refresh_from_db()
    assert (sub.values, sub.revision) == ({}, 0)
    assert AuditEvent.objects.count() == events


def test_a_partial_draft_saves_but_does_not_submit(world: World, period: Any) -> None:
    sub = by_unit(period)[world.dit]
    congthuong = world.user("congthuong")
    submissions.save_draft(sub, values={"incidents": 0}, revision=0, actor=congthuong)
    with pytest.raises(ValidationError) as refused:
        submissions.submit(sub, actor=congthuong)
    assert set(refused.value.message_dict) == {"readiness", "plans_updated", "situation"}
    sub.refresh_from_db()
    assert sub.state == "draft"


def test_submit_return_submit_accept_then_no_more_changes(world: World, period: Any) -> None:
    sub = by_unit(period)[world.dit]
    congthuong, thuongtruc = world.user("congthuong"), world.user("thuongtruc")
    report(sub, congthuong, GOOD)
    assert sub.state == "submitted"
    with pytest.raises(ValidationError, match="submitted"):
        submissions.save_draft(sub, values=GOOD, revision=None, actor=congthuong)
    with pytest.raises(ValidationError, match="Say why"):
        submissions.return_submission(sub, reason=" ", actor=thuongtruc)
    submissions.return_submission(sub, reason="Thiếu số liệu diễn tập", actor=thuongtruc)
    assert (sub.state, sub.return_reason) == ("returned", "Thiếu số liệu diễn tập")
    with pytest.raises(ValidationError, match="Only a submitted report"):
        submissions.accept_submission(sub, actor=thuongtruc)
    submissions.save_draft(sub, values={**GOOD, "incidents": 3}, narrative={"situation": "Ổn"},
                        revision=sub.revision, actor=congthuong)  # fmt: skip
    assert sub.state == "draft"
    submissions.submit(sub, actor=congthuong)
    submissions.accept_submission(sub, actor=thuongtruc)
    assert sub.state == "accepted"
    attempts: list[Callable[[], object]] = [
        lambda: submissions.save_draft(sub, values=GOOD, revision=None, actor=congthuong),
        lambda: submissions.submit(sub, actor=congthuong),
        lambda: submissions.fill_from_consolidation(sub, actor=congthuong),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError, match="accepted"):
            attempt()
    with pytest.raises(ValidationError, match="Only a submitted report"):
        submissions.return_submission(sub, reason="Muộn", actor=thuongtruc)
    actions = list(
        AuditEvent.objects.filter(object_type="work.reportsubmission", object_id=str(sub.pk))
        .order_by("seq").values_list("action", flat=True)
    )  # fmt: skip
    assert actions == [
        "report_submission.saved", "report_submission.submitted", "report_submission.returned",
        "report_submission.saved", "report_submission.submitted", "report_submission.accepted",
    ]  # fmt: skip


def test_who_may_write_and_who_may_review(world: World, period: Any) -> None:
    subs = by_unit(period)
    with pytest.raises(PermissionDenied):  # another unit's report
        submissions.save_draft(
            subs[world.dit], values=GOOD, revision=None, actor=world.user("bienphong")
        )
    with pytest.raises(PermissionDenied):  # the issuer reads it but does not write it
        submissions.save_draft(
            subs[world.dit], values=GOOD, revision=None, actor=world.user("thuongtruc")
        )
    with pytest.raises(PermissionDenied):  # commune B's office does not write commune A's
        submissions.save_draft(subs[world.a], values=GOOD, revision=None, actor=world.user("xa_b"))
    submissions.save_draft(subs[world.a], values=GOOD, revision=None, actor=world.user("xa_a"))
    report(subs[world.border], world.user("bienphong"), GOOD)
    for username in ("bienphong", "kiemtoan", "xa_a"):
        with pytest.raises(PermissionDenied):
            submissions.accept_submission(subs[world.border], actor=world.user(username))


def test_two_officers_saving_the_same_draft_do_not_lose_an_update(
    world: World, period: Any
) -> None:
    sub = by_unit(period)[world.dit]
    congthuong = world.user("congthuong")
    first = ReportSubmission.objects.get(pk=sub.pk)
    second = ReportSubmission.objects.get(pk=sub.pk)  # both opened at revision 0
    submissions.save_draft(first, values={"incidents": 1}, revision=0, actor=congthuong)
    with pytest.raises(ValidationError, match="Someone else saved this report"):
        submissions.save_draft(second, values={"incidents": 7}, revision=0, actor=congthuong)
    sub.refresh_from_db()
    assert (sub.values, sub.revision) == ({"incidents": 1}, 1)


def test_the_loser_is_told_on_the_page(world: World, period: Any,
                                       client_for: Callable[[str], Client]) -> None:  # fmt: skip
    sub = by_unit(period)[world.dit]
    client = client_for("congthuong")
    url = f"/work/reports/submissions/{sub.pk}/"
    assert client.get(url).status_code == 200
    form = {"revision": "0", "v_incidents": "4", "action": "save"}
    assert client.post(url, form).status_code == 302
    response = client.post(url, {**form, "v_incidents": "9"})
    assert response.status_code == 200
    assert "Người khác đã lưu báo cáo này sau khi bạn mở" in response.content.decode()
    sub.refresh_from_db()
    assert sub.values == {"incidents": 4}


def test_the_api_tells_the_loser_with_409_like_refusal(world: World, period: Any,
                                                       api_for: Callable[..., Client]) -> None:  # fmt: skip
    sub = by_unit(period)[world.dit]
    api = api_for("congthuong", scope="write")
    url = f"/api/v1/report-submissions/{sub.pk}/"
    body = {"values": {"incidents": 1}, "revision": 0}
    assert api.patch(url, body, content_type="application/json").status_code == 200
    stale = api.patch(url, {**body, "values": {"incidents": 5}}, content_type="application/json")
    assert stale.status_code == 400
    assert "Người khác đã lưu báo cáo này" in stale.json()["error"]["message"]


def test_api_actions_submit_return_accept(world: World, period: Any,
                                          api_for: Callable[..., Client]) -> None:  # fmt: skip
    sub = by_unit(period)[world.border]
    unit, issuer = api_for("bienphong", scope="write"), api_for("thuongtruc", scope="write")
    base = f"/api/v1/report-submissions/{sub.pk}"
    saved = unit.patch(f"{base}/", {"values": {"incidents": "x"}}, content_type="application/json")
    assert saved.status_code == 400 and "incidents" in saved.json()["error"]["fields"]
    unit.patch(f"{base}/", {"values": GOOD, "narrative": {"situation": "Ổn định"}},
               content_type="application/json")  # fmt: skip
    assert unit.post(f"{base}/accept/").status_code == 403
    assert unit.post(f"{base}/submit/").json()["state"] == "submitted"
    assert issuer.post(f"{base}/return/", {}, content_type="application/json").status_code == 400
    returned = issuer.post(
        f"{base}/return/", {"reason": "Bổ sung"}, content_type="application/json"
    )
    assert returned.json()["state"] == "returned"
    assert unit.post(f"{base}/submit/").json()["state"] == "submitted"
    assert issuer.post(f"{base}/accept/").json()["state"] == "accepted"
    assert unit.post(f"{base}/submit/").status_code == 400


def test_an_agency_sees_only_its_own_submissions_and_the_issuer_all(
    world: World, period: Any, api_for: Callable[..., Client], client_for: Callable[[str], Client]
) -> None:
    subs = by_unit(period)
    expected = {
        "congthuong": {subs[world.dit].pk},
        "bienphong": {subs[world.border].pk},
        "xa_a": {subs[world.a].pk},
        "xa_b": {subs[world.b].pk},
        "thuongtruc": {s.pk for s in subs.values()},
        "kiemtoan": {s.pk for s in subs.values()},
        "kho_mo": set(),
    }
    for username, ids in expected.items():
        listed = api_for(username).get(f"/api/v1/report-submissions/?period={period.pk}").json()
        assert {row["id"] for row in listed["results"]} == ids, username
        client = client_for(username)
        for sub in subs.values():
            status = client.get(f"/work/reports/submissions/{sub.pk}/").status_code
            assert status == (200 if sub.pk in ids else 404), (username, sub.unit)
    # xa_a cannot reach xa_b's by id, by page, API or action.
    api = api_for("xa_a", scope="write")
    b_sub = subs[world.b]
    assert api.get(f"/api/v1/report-submissions/{b_sub.pk}/").status_code == 404
    assert api.post(f"/api/v1/report-submissions/{b_sub.pk}/submit/").status_code == 404
    assert (
        client_for("xa_a").post(f"/work/reports/submissions/{b_sub.pk}/submit/").status_code == 404
    )
    # Consolidations are the issuing side's.
    assert api.get(f"/api/v1/consolidations/{period.pk}/").status_code == 404
    assert client_for("congthuong").get(f"/work/reports/periods/{period.pk}/").status_code == 404
    assert client_for("thuongtruc").get(f"/work/reports/periods/{period.pk}/").status_code == 200


def test_submitting_closes_the_late_units_escalation(world: World, period: Any) -> None:
    import zoneinfo

    sub = by_unit(period)[world.dit]
    late = dt.datetime(2026, 3, 23, 9, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh"))
    chasing.chase_reports(late)
    case = EscalationCase.objects.get(about_id=str(sub.pk), about_type__model="reportsubmission")
    assert case.resolved_at is None and case.agency_id == world.dit.pk
    report(sub, world.user("congthuong"), GOOD)
    case.refresh_from_db()
    assert case.resolved_at is not None


def test_a_stale_copy_cannot_reopen_an_accepted_report(world: World, period: Any) -> None:
    """Review: the state was checked on the caller's copy only; a save without a
    revision (the API without If-Match) from a copy read before the acceptance turned
    the accepted report back into a draft."""
    sub = by_unit(period)[world.dit]
    congthuong = world.user("congthuong")
    submissions.save_draft(sub, values=GOOD, narrative={"situation": "Ổn định."}, revision=None,
                        actor=congthuong)  # fmt: skip
    stale = ReportSubmission.objects.get(pk=sub.pk)  # read while still a draft
    submissions.submit(sub, actor=congthuong)
    submissions.accept_submission(sub, actor=world.user("thuongtruc"))
    with pytest.raises(ValidationError):
        submissions.save_draft(stale, values=GOOD, revision=None, actor=congthuong)
    sub.refresh_from_db()
    assert sub.state == "accepted"
