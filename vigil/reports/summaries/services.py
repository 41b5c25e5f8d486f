"""The use cases of a summary report: draft it (one action computes every section of the
outline), recompute a draft's figures, edit a section's text, issue it (a number from the
committee's register, the .docx frozen as issued), discard a draft.

Who may: the standing office or a leader of the committee (or of one above it) drafts,
recomputes and edits; a committee leader issues (the report goes out over their
signature). The figures are computed as the drafter sees the committee (the scope rule),
so the report is as classified as the most classified figure it holds.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from vigil.core import audit, clock
from vigil.core.audit import Actor
from vigil.core.classification import Classification
from vigil.core.numbering import DocType
from vigil.org.models import Committee
from vigil.org.registers.services import issue_number
from vigil.org.scope import Role, Viewer, scope_for
from vigil.reports.models import ReportAction
from vigil.reports.periods import Period, period_of
from vigil.reports.sections.base import Context, SectionContent
from vigil.reports.sections.outline import outline_for
from vigil.reports.summaries.models import ReportKind, ReportState, SummaryReport, SummarySection

Progress = Callable[[int, int, str], None]  # (done, total, section title)

KEEPERS = (Role.STANDING_OFFICE, Role.COMMITTEE_LEADER)
MAX_TEXT = 20_000


class StaleReport(ValidationError):
    def __init__(self) -> None:
        super().__init__(
            _("Someone else changed this report in the meantime: reload it and try again."),
            code="stale",
        )


def may_draft(user: Viewer, committee: Committee) -> bool:
    """The standing office or a leader of ``committee`` or of one above it."""
    return scope_for(user).committee_role_covers(committee.path, *KEEPERS)


def may_issue(user: Viewer, committee: Committee) -> bool:
    """A leader of ``committee`` or of one above it: the report goes out over their name."""
    return scope_for(user).committee_role_covers(committee.path, Role.COMMITTEE_LEADER)


def _require(ok: bool, message: str) -> None:
    if not ok:
        raise PermissionDenied(message)


def _require_draft(report: SummaryReport) -> None:
    if report.state != ReportState.DRAFT:
        raise ValidationError(_("This report has been issued: it can no longer be changed."))


def title_of(kind: str, period: Period) -> str:
    if kind == ReportKind.ANNUAL:
        return (f"Tổng kết công tác phòng, chống khủng bố năm {period.year} và phương hướng, "
                f"nhiệm vụ năm {period.year + 1}")  # fmt: skip
    return f"Kết quả công tác phòng, chống khủng bố {period.label}"


def compute_sections(
    viewer: Actor, committee: Committee, period: Period, *, progress: Progress | None = None
) -> list[tuple[str, str, SectionContent]]:
    """Every section of the period's outline, computed in order: (key, title, content)."""
    specs = outline_for(period.is_annual)
    earlier: dict[str, SectionContent] = {}
    today = clock.today()
    done: list[tuple[str, str, SectionContent]] = []
    for n, spec in enumerate(specs):
        if progress is not None:
            progress(n, len(specs), spec.title)
        ctx = Context(viewer=viewer, committee=committee, period=period, today=today,
                      earlier=dict(earlier))  # fmt: skip
        content = spec.compute(ctx)
        earlier[spec.key] = content
        done.append((spec.key, spec.title, content))
    if progress is not None:
        progress(len(specs), len(specs), "")
    return done


def _snapshot(report: SummaryReport) -> dict[str, object]:
    return {
        "committee": report.owning_committee_id, "kind": report.kind, "year": report.year,
        "part": report.part, "state": report.state, "classification": report.classification,
        "number": report.number, "version": report.version,
    }  # fmt: skip


@transaction.atomic(durable=True)
def draft_report(
    committee: Committee,
    kind: str,
    year: int,
    part: int = 0,
    *,
    actor: Actor,
    progress: Progress | None = None,
    classification: int = 0,
) -> SummaryReport:
    """Draft the committee's report for the period: every section computed, its text
    drafted from its figures. One report per committee and period. ``classification``:
    the drafter may classify the report higher than its figures (never lower, never
    above their own clearance)."""
    _require(may_draft(actor, committee),
             _("Only the committee's standing office or a leader may draft its reports."))  # fmt: skip
    period = period_of(kind, year, part)
    _check_classification(actor, classification)
    if SummaryReport.objects.filter(owning_committee=committee, kind=kind, year=period.year,
                                    part=period.part).exists():  # fmt: skip
        raise ValidationError(_("This committee already has a report for this period."))
    owner = committee.standing_agency
    if owner is None:
        raise ValidationError(_("The committee has no standing office to own its reports."))
    sections = compute_sections(actor, committee, period, progress=progress)
    now = clock.now()
    report = SummaryReport(
        owning_committee=committee, owning_agency=owner, kind=kind, year=period.year,
        part=period.part, starts_on=period.start, ends_on=period.end,
        title=title_of(kind, period), drafted_at=now, created_at=now,
        created_by=audit.acting_user(actor),
        classification=max([classification, *(c.classification for _k, _t, c in sections)]),
    )  # fmt: skip
    report.full_clean(exclude=["shared_agencies", "shared_committees"])
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError as exc:  # the same period drafted at the same moment
        raise ValidationError(_("This committee already has a report for this period.")) from exc
    SummarySection.objects.bulk_create(
        SummarySection(report=report, key=key, order=n, title=title, content=c.as_json(),
                       drafted_text=c.text, text=c.text, classification=c.classification)
        for n, (key, title, c) in enumerate(sections, 1)
    )  # fmt: skip
    audit.record(ReportAction.REPORT_DRAFTED, actor=actor, obj=report, after=_snapshot(report))
    return report


def _check_classification(actor: Actor, level: int) -> None:
    if level not in Classification.values or level > scope_for(actor).clearance:
        raise ValidationError(
            {"classification": _("Choose a classification up to your own clearance.")}
        )


def _locked(report: SummaryReport, version: int | None) -> SummaryReport:
    fresh = SummaryReport.objects.select_for_update(of=("self",)).select_related(
        "owning_committee").get(pk=report.pk)  # fmt: skip
    if version is not None and fresh.version != version:
        raise StaleReport
    return fresh


@transaction.atomic(durable=True)
def redraft_report(
    report: SummaryReport,
    *,
    actor: Actor,
    version: int | None = None,
    progress: Progress | None = None,
) -> SummaryReport:
    """Compute a draft's figures again (the data moved on). A section's drafted text
    follows its figures; a text the office edited is kept as edited. The figures are
    computed as the report's drafter sees the committee, whoever asks for them, so a
    leader of higher clearance who recomputes does not raise the report above the
    drafter's reach (and lock its drafter out of it)."""
    _require(may_draft(actor, report.owning_committee),
             _("Only the committee's standing office or a leader may draft its reports."))  # fmt: skip
    report = _locked(report, version)
    _require_draft(report)
    before = _snapshot(report)
    period = period_of(report.kind, report.year, report.part)
    reader: Actor = report.created_by or actor
    computed = compute_sections(reader, report.owning_committee, period, progress=progress)
    existing = {s.key: s for s in report.sections.all()}
    for n, (key, title, c) in enumerate(computed, 1):
        section = existing.pop(key, None) or SummarySection(report=report, key=key)
        if not section.edited:
            section.text = c.text
        section.order, section.title, section.content = n, title, c.as_json()
        section.drafted_text, section.classification = c.text, c.classification
        section.version += 1 if section.pk else 0
        section.save()
    for gone in existing.values():
        gone.delete()
    # Never lowered: the drafter may have classified the report above its figures.
    report.classification = max([report.classification,
                                 *(c.classification for _k, _t, c in computed)])  # fmt: skip
    report.drafted_at = clock.now()
    report.version += 1
    report.save(update_fields=["classification", "drafted_at", "version"])
    audit.record(ReportAction.REPORT_REDRAFTED, actor=actor, obj=report, before=before,
                 after=_snapshot(report))  # fmt: skip
    return report


@transaction.atomic(durable=True)
def edit_section(
    section: SummarySection, text: str, *, actor: Actor, version: int | None = None
) -> SummarySection:
    """Replace a draft section's text; ``version`` is the one the editor read."""
    report = section.report
    _require(may_draft(actor, report.owning_committee),
             _("Only the committee's standing office or a leader may edit its reports."))  # fmt: skip
    locked = _locked(report, None)
    _require_draft(locked)
    fresh = SummarySection.objects.select_for_update().get(pk=section.pk)
    if version is not None and fresh.version != version:
        raise StaleReport
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("A section cannot be empty: write its text.")})
    if len(text) > MAX_TEXT:
        raise ValidationError(
            {"text": _("A section holds at most %(n)d characters.") % {"n": MAX_TEXT}}
        )
    before = {"key": fresh.key, "text": fresh.text, "version": fresh.version}
    fresh.text = text
    fresh.edited_at = clock.now()
    fresh.edited_by = audit.acting_user(actor)
    fresh.version += 1
    fresh.save(update_fields=["text", "edited_at", "edited_by", "version"])
    # The report changed too: a leader who read it before this edit is refused its issue.
    locked.version += 1
    locked.save(update_fields=["version"])
    audit.record(ReportAction.SECTION_EDITED, actor=actor, obj=report, before=before,
                 after={"key": fresh.key, "text": fresh.text, "version": fresh.version})  # fmt: skip
    return fresh


@transaction.atomic(durable=True)
def issue_report(
    report: SummaryReport,
    *,
    actor: Actor,
    version: int | None = None,
    issued_on: dt.date | None = None,
    recipients: Sequence[str] = (),
    signer_name: str = "",
    signer_title: str = "",
    signing_form: str = "",
) -> SummaryReport:
    """Issue the report: numbered from the committee's register (BC), its .docx built
    and kept as issued, never changed after. Issuing twice is refused."""
    from vigil.reports.summaries.documents import docx_bytes

    committee = report.owning_committee
    _require(may_issue(actor, committee),
             _("Only a leader of the committee may issue its reports."))  # fmt: skip
    report = _locked(report, version)
    if report.state == ReportState.ISSUED:
        raise ValidationError(
            _("This report was already issued as %(number)s.") % {"number": report.number}
        )
    day = issued_on or clock.today()
    if not report.starts_on <= day <= clock.today():
        raise ValidationError({"issued_on": _(
            "A report is issued on a day from the start of its period to today."
        )})  # fmt: skip
    before = _snapshot(report)
    issued = issue_number(committee, DocType.BAO_CAO, actor=actor, about=report, year=day.year)
    report.number = issued.symbol
    report.issued_on = day
    report.issued_at = clock.now()
    report.issued_by = audit.acting_user(actor)
    report.recipients = "\n".join(r.strip() for r in recipients if r.strip())
    report.signer_name, report.signer_title = signer_name.strip(), signer_title.strip()
    report.signing_form = signing_form.strip()
    report.state = ReportState.ISSUED
    report.version += 1
    data = docx_bytes(report)
    report.issued_docx = data
    report.save()
    audit.record(ReportAction.REPORT_ISSUED, actor=actor, obj=report, before=before,
                 after={**_snapshot(report), "sha256": hashlib.sha256(data).hexdigest()})  # fmt: skip
    return report


@transaction.atomic(durable=True)
def discard_report(report: SummaryReport, *, actor: Actor) -> None:
    """Delete a draft (to draft the period again from scratch); an issued report stays."""
    _require(may_draft(actor, report.owning_committee),
             _("Only the committee's standing office or a leader may draft its reports."))  # fmt: skip
    report = _locked(report, None)
    _require_draft(report)
    before, pk = _snapshot(report), report.pk
    report.delete()
    audit.record(ReportAction.REPORT_DISCARDED, actor=actor, object_type="reports.summaryreport",
                 object_id=str(pk), before=before, classification=int(report.classification),
                 committee_id=report.owning_committee_id)  # fmt: skip
