"""Setting an obligation, versioning its template, opening periods (idempotent)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from tests.work.obligations.conftest import INDICATORS, SECTIONS, World, by_unit, report
from vigil.core.audit import SystemActor
from vigil.core.models import AuditEvent
from vigil.work.obligations import services, submissions
from vigil.work.obligations.models import (
    ReportObligation,
    ReportPeriod,
    ReportSubmission,
    ReportTemplate,
)
from vigil.work.obligations.services import IndicatorSpec

pytestmark = pytest.mark.django_db
Make = Callable[..., ReportObligation]


def test_the_standing_office_sets_an_obligation_with_its_audit_event(
    make_obligation: Make,
) -> None:
    obligation = make_obligation()
    assert obligation.current_template is not None
    assert obligation.current_template.number == 1
    assert [i.code for i in obligation.current_template.indicators.all()] == [
        i.code for i in INDICATORS
    ]
    event = AuditEvent.objects.filter(object_id=str(obligation.pk)).latest("seq")
    assert event.action == "report_obligation.created"
    assert event.after is not None
    assert event.after["template"]["version"] == 1


def test_it_refuses_an_agency_outside_the_committee_tree(
    world: World, make_obligation: Make
) -> None:
    count = ReportObligation.objects.count()
    with pytest.raises(ValidationError, match="outside the tree"):
        make_obligation(agencies=[world.mine])
    # Commune A's committee may not address the province's departments.
    with pytest.raises(ValidationError, match="outside the tree"):
        make_obligation(committee=world.a, agencies=[world.dit], committees=[],
                        actor=world.user("xa_a"))  # fmt: skip
    with pytest.raises(ValidationError, match="not a committee below"):
        make_obligation(committee=world.a, agencies=[], committees=[world.b],
                        actor=world.user("xa_a"))  # fmt: skip
    assert ReportObligation.objects.count() == count


@pytest.mark.parametrize("username", ["congthuong", "xa_a", "kiemtoan", "lanhdao"])
def test_only_the_standing_office_may_set_one(
    username: str, world: World, make_obligation: Make
) -> None:
    with pytest.raises(PermissionDenied):
        make_obligation(actor=world.user(username))


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"indicators": [IndicatorSpec("x", "X", "yes_no", "sum")], "sections": []},
         "cannot consolidate"),
        ({"indicators": [IndicatorSpec("x", "X", "integer", "sum"),
                         IndicatorSpec("x", "Y", "integer", "sum")]}, "used twice"),
        ({"indicators": [IndicatorSpec("Bad code!", "X", "integer", "sum")]}, "not a valid code"),
        ({"indicators": [IndicatorSpec("x", "X", "photo", "none")]}, "Unknown indicator type"),
        ({"due_day": 32}, "1 to 31"),
        ({"period_kind": "custom"}, "custom period needs"),
        ({"agencies": [], "committees": []}, "at least one unit"),
        ({"indicators": [], "sections": []}, "at least one"),
    ],
)  # fmt: skip
def test_it_refuses_bad_templates_and_schedules(
    make_obligation: Make, overrides: dict[str, Any], message: str
) -> None:
    count = ReportTemplate.objects.count()
    with pytest.raises(ValidationError, match=message):
        make_obligation(**overrides)
    assert ReportTemplate.objects.count() == count


def test_a_period_opens_one_task_per_unit_once(world: World, make_obligation: Make) -> None:
    obligation = make_obligation()
    thuongtruc = world.user("thuongtruc")
    first = services.open_period(obligation, day=dt.date(2026, 2, 10), actor=thuongtruc)
    assert first.created == 4
    assert (first.period.starts_on, first.period.ends_on) == (
        dt.date(2026, 2, 1),
        dt.date(2026, 2, 28),
    )
    assert first.period.due_on == dt.date(2026, 3, 20)
    assert set(by_unit(first.period)) == {world.dit, world.border, world.a, world.b}
    again = services.open_period(obligation, day=dt.date(2026, 2, 28), actor=thuongtruc)
    assert (again.period, again.created) == (first.period, 0)
    assert ReportSubmission.objects.filter(period=first.period).count() == 4
    event = AuditEvent.objects.filter(action="report_period.opened",
                                      object_id=str(first.period.pk)).get()  # fmt: skip
    assert event.after is not None and len(event.after["submissions"]) == 4


def test_a_unit_added_later_gets_its_task_on_the_next_opening(
    world: World, make_obligation: Make
) -> None:
    obligation = make_obligation(agencies=[world.dit], committees=[])
    thuongtruc = world.user("thuongtruc")
    period = services.open_period(obligation, day=dt.date(2026, 3, 1), actor=thuongtruc).period
    obligation.addressed_committees.add(world.a)
    assert services.open_period(obligation, day=dt.date(2026, 3, 1), actor=thuongtruc).created == 1
    assert set(by_unit(period)) == {world.dit, world.a}


def test_the_sweep_opens_the_current_period_idempotently(
    world: World, make_obligation: Make
) -> None:
    import zoneinfo

    obligation = make_obligation(starts_on=dt.date(2026, 1, 1))
    now = dt.datetime(2026, 5, 3, 8, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh"))
    services.open_due_periods(now)
    services.open_due_periods(now)
    periods = ReportPeriod.objects.filter(obligation=obligation)
    assert list(periods.values_list("starts_on", flat=True)) == [dt.date(2026, 5, 1)]
    assert ReportSubmission.objects.filter(obligation=obligation).count() == 4


def test_only_the_issuer_opens_a_period(world: World, make_obligation: Make) -> None:
    obligation = make_obligation()
    with pytest.raises(PermissionDenied):
        services.open_period(obligation, day=dt.date(2026, 2, 1), actor=world.user("congthuong"))
    with pytest.raises(ValidationError, match="no period"):
        services.open_period(obligation, day=dt.date(2025, 12, 31), actor=SystemActor("test"))


def test_a_custom_obligation_has_its_one_period(world: World, make_obligation: Make) -> None:
    obligation = make_obligation(period_kind="custom", starts_on=dt.date(2026, 3, 10),
                                 ends_on=dt.date(2026, 4, 15), due_rule="working_days_after",
                                 due_day=2)  # fmt: skip
    period = services.open_period(
        obligation, day=dt.date(2026, 3, 20), actor=SystemActor("t")
    ).period
    assert (period.starts_on, period.ends_on) == (dt.date(2026, 3, 10), dt.date(2026, 4, 15))
    assert period.due_on == dt.date(2026, 4, 17)  # Thursday 16th, Friday 17th


def test_changing_the_template_does_not_alter_what_was_opened(
    world: World, make_obligation: Make
) -> None:
    obligation = make_obligation()
    thuongtruc, congthuong = world.user("thuongtruc"), world.user("congthuong")
    february = services.open_period(obligation, day=dt.date(2026, 2, 1), actor=thuongtruc).period
    sub = by_unit(february)[world.dit]
    report(sub, congthuong, {"incidents": 1, "readiness": "90", "plans_updated": True})
    services.revise_template(
        obligation, indicators=[*INDICATORS, IndicatorSpec("drills", "Diễn tập", "integer", "sum")],
        sections=SECTIONS, actor=thuongtruc,
    )  # fmt: skip
    obligation.refresh_from_db()
    assert obligation.current_template is not None and obligation.current_template.number == 2
    february.refresh_from_db()
    assert february.template.number == 1
    assert "drills" not in {i.code for i in february.template.indicators.all()}
    sub.refresh_from_db()
    assert sub.values == {"incidents": 1, "readiness": "90", "plans_updated": True}
    march = services.open_period(obligation, day=dt.date(2026, 3, 1), actor=thuongtruc).period
    assert march.template.number == 2
    # The February report still refuses a figure its own version never asked for.
    other = by_unit(february)[world.border]
    with pytest.raises(ValidationError, match="no field drills"):
        submissions.save_draft(
            other, values={"drills": 2}, revision=None, actor=world.user("bienphong")
        )


def test_an_ended_obligation_opens_no_more_periods(world: World, make_obligation: Make) -> None:
    import zoneinfo

    obligation = make_obligation(starts_on=dt.date(2026, 1, 1))
    with pytest.raises(PermissionDenied):
        services.end_obligation(obligation, on=dt.date(2026, 3, 31), actor=world.user("xa_a"))
    services.end_obligation(obligation, on=dt.date(2026, 3, 31), actor=world.user("thuongtruc"))
    assert (obligation.active, obligation.ends_on) == (False, dt.date(2026, 3, 31))
    services.open_due_periods(
        dt.datetime(2026, 5, 3, 8, tzinfo=zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh"))
    )
    assert not obligation.periods.exists()
    with pytest.raises(ValidationError, match="no period"):
        services.open_period(obligation, day=dt.date(2026, 4, 1), actor=world.user("thuongtruc"))
    assert services.open_period(obligation, day=dt.date(2026, 3, 1), actor=SystemActor("t")).created


def test_a_classified_reports_title_stays_out_of_the_calendar_feed(
    world: World, make_obligation: Make
) -> None:
    """Review: report due dates went into the iCalendar feed with the title of a Mật
    obligation, because the calendar source did not pass the classification on."""
    from icalendar import Calendar

    from vigil.core.classification import Classification
    from vigil.work import feeds

    obligation = make_obligation(title="Báo cáo mật về mục tiêu",
                                 classification=Classification.CONFIDENTIAL)  # fmt: skip
    services.open_period(obligation, day=dt.date(2026, 2, 10), actor=world.user("thuongtruc"))
    for name in ("thuongtruc", "bienphong"):
        with time_machine.travel(dt.datetime(2026, 3, 1, 3, tzinfo=dt.UTC), tick=False):
            data = feeds.ical_for(world.user(name), "https://vigil.test")
        events = Calendar.from_ical(data).walk("VEVENT")
        reports = [str(e["summary"]) for e in events if str(e["uid"]).startswith("report-")]
        assert reports  # the due date is there, its title is not
        assert not any("Báo cáo mật" in s for s in reports)


def test_a_day_at_the_end_of_the_calendar_is_refused_not_a_500(
    world: World, make_obligation: Make
) -> None:
    """Review: POST open-period {"day": "9999-12-31"} overflowed the period arithmetic."""
    obligation = make_obligation()
    with pytest.raises(ValidationError, match="no period"):
        services.open_period(obligation, day=dt.date(9999, 12, 31), actor=world.user("thuongtruc"))
    assert not ReportPeriod.objects.filter(obligation=obligation).exists()
