"""Reports written by the units: a draft saved, submitted, returned or accepted; the
issuing committee's own report filled from its consolidation and issued as a
numbered document. Every write: permission, validation, one transaction, the audit
event last; notifications on the same transaction.

A use case opens its own durable transaction; a ``…_within`` helper writes the
same in the caller's transaction (the report page saves and submits in one)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from vigil.core import audit, clock
from vigil.core.audit import Actor
from vigil.inbox.models import Kind
from vigil.inbox.services import CommitteeRole, notify
from vigil.org.models import Agency, Role
from vigil.org.scope import scope_for
from vigil.work.obligations.models import (
    IndicatorKind,
    ObligationAction,
    ReportObligation,
    ReportPeriod,
    ReportSubmission,
    SubmissionState,
)
from vigil.work.obligations.services import CASE_KIND, can_report, can_review, require
from vigil.work.obligations.values import clean_values


def _stale() -> ValidationError:
    return ValidationError(
        _(
            "Someone else saved this report after you opened it. Your changes were not saved: "
            "open the report again to see theirs."
        )
    )


def _snapshot(sub: ReportSubmission) -> dict[str, Any]:
    return audit.snapshot(sub, ["state", "values", "narrative", "revision", "return_reason"])


def _write(sub: ReportSubmission, revision: int | None, **changes: Any) -> None:
    """Compare-and-swap on ``revision``: a save based on an old revision loses, and says so."""
    # The state the caller checked must still hold: a stale copy cannot undo an acceptance.
    rows = ReportSubmission.objects.filter(pk=sub.pk, state=sub.state)
    if revision is not None:
        rows = rows.filter(revision=revision)
    updated = rows.update(revision=F("revision") + 1, **changes)
    if not updated:
        raise _stale()
    sub.refresh_from_db()


def _require_open(sub: ReportSubmission) -> None:
    if sub.state == SubmissionState.ACCEPTED:
        raise ValidationError(_("This report has been accepted: it can no longer be changed."))
    if sub.state == SubmissionState.SUBMITTED:
        raise ValidationError(
            _("This report has been submitted: it can be changed only if it is returned.")
        )


def save_draft_within(
    sub: ReportSubmission,
    *,
    values: Mapping[str, Any],
    narrative: Mapping[str, Any] | None = None,
    revision: int | None,
    actor: Actor,
) -> ReportSubmission:
    """Save a partial report. ``revision`` is the one the officer opened; None
    only for callers that just read it (the API without If-Match, the seed)."""
    require(can_report(actor, sub), _("Only the reporting unit may write this report."))
    _require_open(sub)
    cleaned, texts = clean_values(sub.period.template, values, narrative or {}, complete=False)
    before = _snapshot(sub)
    _write(
        sub, revision, values=cleaned, narrative=texts, state=SubmissionState.DRAFT,
        saved_at=clock.now(), saved_by_label=audit.actor_label(actor),
    )  # fmt: skip
    audit.record(
        ObligationAction.SUBMISSION_SAVED, actor=actor, obj=sub, before=before,
        after=_snapshot(sub),
    )  # fmt: skip
    return sub


# The use case; a caller already in a transaction calls ``save_draft_within``.
save_draft = transaction.atomic(durable=True)(save_draft_within)


def submit_within(
    sub: ReportSubmission, *, revision: int | None = None, actor: Actor
) -> ReportSubmission:
    """Send the report to the issuing committee: every required answer present and valid."""
    from vigil.inbox.escalation import close_case

    require(can_report(actor, sub), _("Only the reporting unit may submit this report."))
    _require_open(sub)
    clean_values(sub.period.template, sub.values, sub.narrative, complete=True)
    before = _snapshot(sub)
    _write(
        sub, revision, state=SubmissionState.SUBMITTED, submitted_at=clock.now(),
        submitted_by_label=audit.actor_label(actor),
    )  # fmt: skip
    close_case(sub, kind=CASE_KIND, note=_("Report submitted."))
    notify(
        CommitteeRole(sub.owning_committee, Role.STANDING_OFFICE),
        _("Report submitted by %(unit)s: %(title)s, %(period)s")
        % {"unit": sub.unit_name, "title": sub.obligation.title, "period": sub.period.label},
        about=sub, kind=Kind.TASK,
    )  # fmt: skip
    audit.record(
        ObligationAction.SUBMISSION_SUBMITTED, actor=actor, obj=sub, before=before,
        after=_snapshot(sub),
    )  # fmt: skip
    return sub


# The use case; a caller already in a transaction calls ``submit_within``.
submit = transaction.atomic(durable=True)(submit_within)


def unit_recipient(sub: ReportSubmission) -> Any:
    if sub.agency is not None:
        return sub.agency
    assert sub.committee is not None  # a report comes from an agency or a committee
    return CommitteeRole(sub.committee, Role.STANDING_OFFICE)


@transaction.atomic(durable=True)
def return_submission(sub: ReportSubmission, *, reason: str, actor: Actor) -> ReportSubmission:
    """The issuer sends a submitted report back, saying why; the unit edits it again."""
    require(can_review(actor, sub.obligation), _("Only the issuing committee may return it."))
    if sub.state != SubmissionState.SUBMITTED:
        raise ValidationError(_("Only a submitted report can be returned."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the report is returned.")})
    before = _snapshot(sub)
    _write(
        sub, None, state=SubmissionState.RETURNED, returned_at=clock.now(),
        return_reason=reason.strip()[:1000],
    )  # fmt: skip
    notify(
        unit_recipient(sub),
        _("Report returned: %(title)s, %(period)s — %(reason)s")
        % {"title": sub.obligation.title, "period": sub.period.label, "reason": reason.strip()},
        about=sub, kind=Kind.TASK,
    )  # fmt: skip
    audit.record(
        ObligationAction.SUBMISSION_RETURNED, actor=actor, obj=sub, before=before,
        after=_snapshot(sub),
    )  # fmt: skip
    return sub


@transaction.atomic(durable=True)
def accept_submission(sub: ReportSubmission, *, actor: Actor) -> ReportSubmission:
    """The issuer accepts a submitted report: it counts in the consolidation, for good."""
    require(can_review(actor, sub.obligation), _("Only the issuing committee may accept it."))
    if sub.state != SubmissionState.SUBMITTED:
        raise ValidationError(_("Only a submitted report can be accepted."))
    before = _snapshot(sub)
    _write(
        sub, None, state=SubmissionState.ACCEPTED, accepted_at=clock.now(),
        accepted_by_label=audit.actor_label(actor),
    )  # fmt: skip
    notify(
        unit_recipient(sub),
        _("Report accepted: %(title)s, %(period)s")
        % {"title": sub.obligation.title, "period": sub.period.label},
        about=sub, kind=Kind.INFO,
    )  # fmt: skip
    audit.record(
        ObligationAction.SUBMISSION_ACCEPTED, actor=actor, obj=sub, before=before,
        after=_snapshot(sub),
    )  # fmt: skip
    return sub


def own_obligation_for(sub: ReportSubmission) -> ReportObligation | None:
    """The reporting committee's own obligation that answers this one upward."""
    if sub.committee_id is None:
        return None
    return (
        ReportObligation.objects.filter(
            owning_committee_id=sub.committee_id, upstream=sub.obligation
        )
        .order_by("pk")
        .first()
    )


@transaction.atomic(durable=True)
def fill_from_consolidation(
    sub: ReportSubmission, *, revision: int | None = None, actor: Actor
) -> ReportSubmission:
    """A child committee fills its report upward from its own consolidation of the
    same period, and keeps that consolidation with it as a frozen snapshot."""
    from vigil.work.obligations.consolidation import as_snapshot, consolidate

    require(can_report(actor, sub), _("Only the reporting unit may write this report."))
    _require_open(sub)
    own = own_obligation_for(sub)
    if own is None:
        raise ValidationError(_("This committee has no obligation of its own that reports here."))
    level = own.classification
    if level > sub.obligation.classification or (level > scope_for(actor).clearance):
        # A derived report is at least as classified as what it contains.
        raise ValidationError(
            _("Your own consolidation is classified higher than this report: fill it in by hand.")
        )
    period = ReportPeriod.objects.filter(obligation=own, starts_on=sub.period.starts_on).first()
    if period is None or period.ends_on != sub.period.ends_on:
        raise ValidationError(
            _("Your own obligation has no period matching %(period)s.")
            % {"period": sub.period.label}
        )
    snapshot = as_snapshot(consolidate(period), at=clock.now())
    target = sub.period.template
    values: dict[str, Any] = {}
    for ind in target.indicators.all():
        total = snapshot["totals"].get(ind.code)
        if total is None:
            continue
        if ind.kind == IndicatorKind.YES_NO and isinstance(total, int):
            total = total == snapshot["accepted"]  # yes when every unit below said yes
        try:
            values.update(clean_values(target, {ind.code: total}, {}, complete=False)[0])
        except ValidationError:
            continue  # an average where the parent wants a whole number: left for the officer
    texts = {
        sec.code: "\n".join(f"{unit}: {text}" for unit, text in snapshot["narrative"][sec.code])
        for sec in target.sections.all()
        if snapshot["narrative"].get(sec.code)
    }
    before = _snapshot(sub)
    _write(
        sub, revision, values=values, narrative=texts, rollup=snapshot,
        state=SubmissionState.DRAFT, saved_at=clock.now(),
        saved_by_label=audit.actor_label(actor),
    )  # fmt: skip
    audit.record(
        ObligationAction.SUBMISSION_FILLED, actor=actor, obj=sub, before=before,
        after={**_snapshot(sub), "from_period": period.pk},
    )  # fmt: skip
    return sub


# --- the consolidated report, issued


@transaction.atomic(durable=True)
def issue_consolidation(
    period: ReportPeriod,
    *,
    issue_date: dt.date,
    signing_post: Any,
    signer: Any,
    signing_form: str = "",
    addressees: Iterable[Agency] = (),
    addressees_other: str = "",
    drafting_unit: str = "VPTT",
    actor: Actor,
) -> Any:
    """Issue the period's consolidation as a numbered báo cáo (once), signed as chosen.

    The document takes the next number of the committee's register; the .docx of
    the consolidation then carries that number, date and signature.
    """
    from vigil.core.numbering import DocType
    from vigil.work.documents import services as document_services
    from vigil.work.obligations.consolidation import subject

    locked = ReportPeriod.objects.select_for_update().get(pk=period.pk)
    if locked.report_document_id is not None:
        raise ValidationError(
            _("This consolidation was already issued as %(symbol)s.")
            % {"symbol": locked.report_document.symbol}  # type: ignore[union-attr]
        )
    obligation = locked.obligation
    document = document_services.issue_document_within(
        obligation.owning_committee, doc_type=DocType.BAO_CAO, subject=subject(locked),
        issue_date=issue_date, signing_post=signing_post, signer=signer,
        signing_form=signing_form, addressees=addressees, addressees_other=addressees_other,
        drafting_unit=drafting_unit, classification=obligation.classification, actor=actor,
    )  # fmt: skip
    locked.report_document = document
    locked.save(update_fields=["report_document"])
    period.report_document = document
    # The period's link to its report is a change of the period: audited, last.
    audit.record(
        ObligationAction.CONSOLIDATION_ISSUED, actor=actor, obj=locked,
        after={"report_document": document.pk, "symbol": document.symbol},
    )  # fmt: skip
    return document
