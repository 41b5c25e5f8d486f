"""Report obligation use cases. Every write: permission, validation, one
transaction, the audit event last; notifications on the same transaction.
A use case's transaction is durable: it refuses to run inside another one."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from vigil.core import audit, clock
from vigil.core.audit import Actor, SystemActor
from vigil.inbox.models import Kind
from vigil.inbox.services import CommitteeRole, notify
from vigil.org.models import Agency, Committee, Role
from vigil.org.scope import Viewer, scope_for
from vigil.work.obligations import periods
from vigil.work.obligations.models import (
    DueRule,
    Indicator,
    IndicatorKind,
    NarrativeSection,
    ObligationAction,
    PeriodKind,
    ReportObligation,
    ReportPeriod,
    ReportSubmission,
    ReportTemplate,
    SubmissionState,
)

logger = logging.getLogger("vigil.work")
MAX_INDICATORS = 200
CASE_KIND = "task"  # the escalation policy a late report follows

# --- who may


def can_issue(user: Viewer, committee: Committee) -> bool:
    """The standing office of the issuing committee (or of one above it)."""
    return scope_for(user).committee_role_covers(committee.path, Role.STANDING_OFFICE)


def can_review(user: Viewer, obligation: ReportObligation) -> bool:
    return can_issue(user, obligation.owning_committee)


def can_report(user: Viewer, submission: ReportSubmission) -> bool:
    """A liaison or head of the reporting agency; the standing office or a leader of
    the reporting committee itself (a parent committee's office does not write it)."""
    scope = scope_for(user)
    if submission.agency_id:
        return scope.agency_role_in(submission.agency_id, Role.OFFICER, Role.AGENCY_HEAD)
    return scope.everything or any(
        committee == submission.committee_id
        and role in (Role.STANDING_OFFICE, Role.COMMITTEE_LEADER)
        for role, _agency, committee, _path in scope.roles
    )


def require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


# --- the template


@dataclass(frozen=True)
class IndicatorSpec:
    code: str
    label: str
    kind: str
    aggregation: str
    unit: str = ""
    help_text: str = ""
    required: bool = True


@dataclass(frozen=True)
class SectionSpec:
    code: str
    title: str
    help_text: str = ""
    required: bool = False


# Which aggregations make sense for which type.
ALLOWED_AGGREGATIONS: dict[str, set[str]] = {
    IndicatorKind.INTEGER: {"sum", "average", "min", "max", "none"},
    IndicatorKind.DECIMAL: {"sum", "average", "min", "max", "none"},
    IndicatorKind.YES_NO: {"count_yes", "none"},
    IndicatorKind.TEXT: {"concatenate", "none"},
}


def _check_template(indicators: Sequence[IndicatorSpec], sections: Sequence[SectionSpec]) -> None:
    if not indicators and not sections:
        raise ValidationError({"indicators": _("A report asks for at least one figure or text.")})
    if len(indicators) > MAX_INDICATORS:
        raise ValidationError(
            {"indicators": _("At most %(n)d indicators.") % {"n": MAX_INDICATORS}}
        )
    codes: set[str] = set()
    specs: list[IndicatorSpec | SectionSpec] = [*indicators, *sections]
    for spec in specs:
        if not spec.code or spec.code != slugify(spec.code) or len(spec.code) > 40:
            raise ValidationError(
                {"indicators": _("“%(code)s” is not a valid code: use letters, digits, - and _.")
                 % {"code": spec.code}}
            )  # fmt: skip
        if spec.code in codes:
            raise ValidationError(
                {"indicators": _("The code “%(code)s” is used twice.") % {"code": spec.code}}
            )
        codes.add(spec.code)
    for ind in indicators:
        if not ind.label.strip():
            raise ValidationError({"indicators": _("Every indicator needs a name.")})
        if ind.kind not in IndicatorKind.values:
            raise ValidationError(
                {"indicators": _("Unknown indicator type: %(kind)s.") % {"kind": ind.kind}}
            )
        if ind.aggregation not in ALLOWED_AGGREGATIONS[ind.kind]:
            raise ValidationError(
                {"indicators": _("“%(agg)s” cannot consolidate the indicator “%(label)s”.")
                 % {"agg": ind.aggregation, "label": ind.label}}
            )  # fmt: skip
    for sec in sections:
        if not sec.title.strip():
            raise ValidationError({"sections": _("Every narrative section needs a title.")})


def _write_template(
    obligation: ReportObligation,
    indicators: Sequence[IndicatorSpec],
    sections: Sequence[SectionSpec],
    actor: Actor,
) -> ReportTemplate:
    number = (obligation.templates.order_by("-number").values_list("number", flat=True).first()
              or 0) + 1  # fmt: skip
    template = ReportTemplate.objects.create(
        obligation=obligation, number=number, created_at=clock.now(),
        created_by_label=audit.actor_label(actor),
    )  # fmt: skip
    Indicator.objects.bulk_create(
        Indicator(
            template=template,
            order=i,
            code=s.code,
            label=s.label.strip()[:300],
            kind=s.kind,
            unit=s.unit.strip()[:40],
            help_text=s.help_text.strip()[:500],
            required=s.required,
            aggregation=s.aggregation,
        )
        for i, s in enumerate(indicators, start=1)
    )
    NarrativeSection.objects.bulk_create(
        NarrativeSection(
            template=template,
            order=i,
            code=s.code,
            title=s.title.strip()[:300],
            help_text=s.help_text.strip()[:500],
            required=s.required,
        )
        for i, s in enumerate(sections, start=1)
    )
    obligation.current_template = template
    obligation.save(update_fields=["current_template"])
    return template


def template_snapshot(template: ReportTemplate) -> dict[str, Any]:
    return {
        "version": template.number,
        "indicators": [
            [i.code, i.label, i.kind, i.unit, i.aggregation, i.required]
            for i in template.indicators.all()
        ],
        "sections": [[s.code, s.title, s.required] for s in template.sections.all()],
    }


def _check_units(
    committee: Committee, agencies: Sequence[Agency], committees: Sequence[Committee]
) -> None:
    if not agencies and not committees:
        raise ValidationError({"agencies": _("Address the obligation to at least one unit.")})
    for agency in agencies:
        home = agency.committee
        if home is None or not home.path.startswith(committee.path):
            raise ValidationError(
                {"agencies": _("%(agency)s is outside the tree of %(committee)s.")
                 % {"agency": agency, "committee": committee}}
            )  # fmt: skip
    for child in committees:
        if child.pk == committee.pk or not child.path.startswith(committee.path):
            raise ValidationError(
                {"committees": _("%(child)s is not a committee below %(committee)s.")
                 % {"child": child, "committee": committee}}
            )  # fmt: skip


def _check_schedule(
    period_kind: str, starts_on: dt.date, ends_on: dt.date | None, due_rule: str, due_day: int
) -> None:
    if period_kind not in PeriodKind.values:
        raise ValidationError({"period_kind": _("Unknown period.")})
    if due_rule not in DueRule.values:
        raise ValidationError({"due_rule": _("Unknown due rule.")})
    if due_rule == DueRule.DAY_OF_NEXT_MONTH and not 1 <= due_day <= 31:
        raise ValidationError({"due_day": _("The due day is a number from 1 to 31.")})
    if due_rule == DueRule.WORKING_DAYS_AFTER and not 1 <= due_day <= 31:
        raise ValidationError({"due_day": _("From 1 to 31 working days after the period.")})
    if period_kind == PeriodKind.CUSTOM and ends_on is None:
        raise ValidationError({"ends_on": _("A custom period needs its last day.")})
    if ends_on is not None and ends_on < starts_on:
        raise ValidationError({"ends_on": _("The obligation ends before it starts.")})


@transaction.atomic(durable=True)
def create_obligation(
    committee: Committee,
    *,
    title: str,
    period_kind: str,
    starts_on: dt.date,
    due_rule: str = DueRule.DAY_OF_NEXT_MONTH,
    due_day: int = 20,
    ends_on: dt.date | None = None,
    agencies: Iterable[Agency] = (),
    committees: Iterable[Committee] = (),
    indicators: Sequence[IndicatorSpec] = (),
    sections: Sequence[SectionSpec] = (),
    classification: int = 0,
    upstream: ReportObligation | None = None,
    actor: Actor,
) -> ReportObligation:
    """A committee asks units to report on a template every period."""
    require(
        can_issue(actor, committee),
        _("Only the standing office of this committee may set report obligations."),
    )
    agencies, committees = list(agencies), list(committees)
    if not title.strip():
        raise ValidationError({"title": _("Give the obligation a title.")})
    _check_schedule(period_kind, starts_on, ends_on, due_rule, due_day)
    _check_units(committee, agencies, committees)
    _check_template(indicators, sections)
    if upstream is not None and not upstream.addressed_committees.filter(pk=committee.pk).exists():
        raise ValidationError(
            {"upstream": _("That obligation is not addressed to %(committee)s.")
             % {"committee": committee}}
        )  # fmt: skip
    if committee.standing_agency_id is None:
        raise ValidationError(_("The committee has no standing agency to issue it."))
    obligation = ReportObligation(
        title=title.strip(), period_kind=period_kind, starts_on=starts_on, ends_on=ends_on,
        due_rule=due_rule, due_day=due_day, owning_committee=committee,
        owning_agency_id=committee.standing_agency_id, classification=classification,
        upstream=upstream, created_at=clock.now(),
    )  # fmt: skip
    obligation.full_clean(exclude=["current_template"])
    obligation.save()
    obligation.addressed_agencies.set(agencies)
    obligation.addressed_committees.set(committees)
    template = _write_template(obligation, indicators, sections, actor)
    audit.record(
        ObligationAction.OBLIGATION_CREATED, actor=actor, obj=obligation,
        after={
            **audit.snapshot(obligation),
            "agencies": [a.pk for a in agencies], "committees": [c.pk for c in committees],
            "template": template_snapshot(template),
        },
    )  # fmt: skip
    return obligation


@transaction.atomic(durable=True)
def revise_template(
    obligation: ReportObligation,
    *,
    indicators: Sequence[IndicatorSpec],
    sections: Sequence[SectionSpec],
    actor: Actor,
) -> ReportTemplate:
    """A new version of the template; periods already opened keep theirs."""
    require(can_review(actor, obligation), _("Only the issuing committee may change this."))
    _check_template(indicators, sections)
    ReportObligation.objects.select_for_update().filter(pk=obligation.pk).first()
    before = template_snapshot(obligation.current_template) if obligation.current_template else None
    template = _write_template(obligation, indicators, sections, actor)
    audit.record(
        ObligationAction.TEMPLATE_REVISED, actor=actor, obj=obligation,
        before=before, after=template_snapshot(template),
    )  # fmt: skip
    return template


@dataclass(frozen=True)
class TemplateUse:
    """What a new version of the template leaves alone: the periods already opened
    (each keeps the version it was opened with) and the reports written in them."""

    periods: int
    reports: int
    current_period: ReportPeriod | None


def template_use(obligation: ReportObligation, today: dt.date | None = None) -> TemplateUse:
    day = today or clock.today()
    written = ReportSubmission.objects.filter(obligation=obligation).filter(
        Q(revision__gt=0) | ~Q(state=SubmissionState.DRAFT)
    )
    return TemplateUse(
        periods=obligation.periods.count(),
        reports=written.count(),
        current_period=obligation.periods.filter(starts_on__lte=day, ends_on__gte=day).first(),
    )


@transaction.atomic(durable=True)
def end_obligation(obligation: ReportObligation, *, on: dt.date, actor: Actor) -> ReportObligation:
    """No period opens after ``on``; periods already open keep their reports."""
    require(can_review(actor, obligation), _("Only the issuing committee may change this."))
    if obligation.period_kind == PeriodKind.CUSTOM:
        raise ValidationError(_("A custom period ends on its own last day."))
    if on < obligation.starts_on:
        raise ValidationError({"ends_on": _("The obligation ends before it starts.")})
    before = audit.snapshot(obligation, ["active", "ends_on"])
    obligation.ends_on, obligation.active = on, False
    obligation.save(update_fields=["ends_on", "active"])
    audit.record(
        ObligationAction.OBLIGATION_ENDED, actor=actor, obj=obligation, before=before,
        after=audit.snapshot(obligation, ["active", "ends_on"]),
    )  # fmt: skip
    return obligation


# --- periods


def period_dates(obligation: ReportObligation, day: dt.date) -> tuple[dt.date, dt.date, dt.date]:
    """(start, end, due) of the obligation's period that contains ``day``."""
    custom = (obligation.starts_on, obligation.ends_on) if obligation.ends_on else None
    start, end = periods.period_containing(obligation.period_kind, day, custom=custom)
    return start, end, periods.due_date(end, obligation.due_rule, obligation.due_day)


def _units(obligation: ReportObligation) -> tuple[list[Agency], list[Committee]]:
    return (
        list(obligation.addressed_agencies.order_by("pk")),
        list(obligation.addressed_committees.order_by("pk")),
    )


@dataclass(frozen=True)
class Opened:
    period: ReportPeriod
    created: int  # submissions opened by this call (0: it was all open already)


def open_period(
    obligation: ReportObligation, *, day: dt.date | None = None, actor: Actor
) -> Opened:
    """Open the period containing ``day`` (today): one report task per unit.

    Idempotent: a period opens once (unique per obligation and start), each unit
    gets one submission (unique per obligation, period and unit); a unit added
    to the obligation since is given its submission by the next call."""
    require(can_review(actor, obligation), _("Only the issuing committee may open a period."))
    day = day or clock.today()
    custom = obligation.period_kind == PeriodKind.CUSTOM
    no_period = ValidationError(
        _("The obligation has no period on %(day)s.") % {"day": day.strftime("%d/%m/%Y")}
    )
    if day < obligation.starts_on or (
        not custom and obligation.ends_on is not None and day > obligation.ends_on
    ):
        raise no_period
    try:
        period_dates(obligation, day)
    except (OverflowError, ValueError):  # its end or due day lies past year 9999
        raise no_period from None
    try:
        return _open_period(obligation, day, actor)
    except IntegrityError:
        # Another worker or officer opened it at the same moment: theirs stands.
        start = period_dates(obligation, day)[0]
        period = ReportPeriod.objects.get(obligation=obligation, starts_on=start)
        return Opened(period=period, created=0)


@transaction.atomic(durable=True)
def _open_period(obligation: ReportObligation, day: dt.date, actor: Actor) -> Opened:
    start, end, due = period_dates(obligation, day)
    if obligation.current_template is None:
        raise ValidationError(_("The obligation has no template."))
    period, _new = ReportPeriod.objects.get_or_create(
        obligation=obligation, starts_on=start,
        defaults={"ends_on": end, "due_on": due, "opened_at": clock.now(),
                  "template": obligation.current_template},
    )  # fmt: skip
    agencies, committees = _units(obligation)
    have: set[tuple[int | None, int | None]] = set(
        ReportSubmission.objects.filter(period=period).values_list("agency_id", "committee_id")
    )
    common = {
        "obligation": obligation, "period": period, "due_on": period.due_on,
        "owning_committee_id": obligation.owning_committee_id,
        "owning_agency_id": obligation.owning_agency_id,
        "classification": obligation.classification,
    }  # fmt: skip
    new = [ReportSubmission(agency=a, **common) for a in agencies if (a.pk, None) not in have] + [
        ReportSubmission(committee=c, **common) for c in committees if (None, c.pk) not in have
    ]
    if not new:
        return Opened(period=period, created=0)
    ReportSubmission.objects.bulk_create(new)
    recipients: list[Any] = [s.agency for s in new if s.agency is not None]
    recipients += [CommitteeRole(s.committee, Role.STANDING_OFFICE) for s in new if s.committee]
    notify(
        recipients,
        _("Report due %(due)s: %(title)s, %(period)s")
        % {"due": period.due_on.strftime("%d/%m/%Y"), "title": obligation.title,
           "period": period.label},
        about=obligation, kind=Kind.TASK, url=_due_url(),
    )  # fmt: skip
    # One event for the whole opening (the bulk path), naming every report task.
    audit.record(
        ObligationAction.PERIOD_OPENED, actor=actor, object_type="work.reportperiod",
        object_id=str(period.pk), classification=obligation.classification,
        committee_id=obligation.owning_committee_id,
        after={
            "obligation": obligation.pk, "starts_on": start, "ends_on": end, "due_on": due,
            "template": period.template.number, "submissions": [s.pk for s in new],
        },
    )  # fmt: skip
    return Opened(period=period, created=len(new))


def _due_url() -> str:
    from django.urls import reverse

    return reverse("work:reports_due")


SEED = SystemActor("worker")


def open_due_periods(now: dt.datetime) -> int:
    """The sweep: open the current period of every active obligation (idempotent)."""
    today = timezone.localdate(now)
    opened = 0
    live = ReportObligation.objects.filter(active=True, starts_on__lte=today).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=today) | Q(period_kind=PeriodKind.CUSTOM)
    )
    for obligation in live.select_related("owning_committee", "current_template"):
        if obligation.period_kind == PeriodKind.CUSTOM and obligation.periods.exists():
            continue
        try:
            opened += open_period(obligation, day=today, actor=SEED).created
        except ValidationError:  # one obligation's trouble must not stop the others
            logger.exception("could not open a period of report obligation %s", obligation.pk)
    return opened
