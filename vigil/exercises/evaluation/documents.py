"""The after-action report and improvement plan (*báo cáo kết quả diễn tập và kế hoạch
khắc phục*) as a Decree 30 document of type BC, in Vietnamese whatever the reader's
language: what the exercise was, how each objective was performed (P/S/M/U), the
strengths, the areas for improvement, and the improvement plan (each corrective
action, what it improves, its agency, its due date and its state, from its task).

It is a draft ("DỰ THẢO", no number) until the standing office issues it through the
work app's documents. It carries the stamp of the exercise or of the most classified
plan it names, whichever is higher (``report_classification``).
"""

from __future__ import annotations

from django.db.models import Max
from django.utils import translation
from django.utils.translation import gettext as _

from vigil.core import clock
from vigil.core.classification import STAMPS, Classification
from vigil.core.dates import shown
from vigil.core.documents.decree30 import (
    Block,
    Heading,
    OfficialDocument,
    Paragraph,
    Table,
    build_docx,
)
from vigil.core.numbering import DocType
from vigil.exercises.drills.models import Capability, Exercise
from vigil.exercises.evaluation.models import CorrectiveAction, Finding, FindingKind
from vigil.exercises.evaluation.queries import STATES, action_state
from vigil.org.letterhead import default_signature, parent_body, place_of

TYPE_NAME = "Báo cáo"


def report_classification(exercise: Exercise) -> int:
    """The report's level: the exercise's, or that of a plan it names if higher."""
    plans = exercise.plans.aggregate(top=Max("classification"))["top"] or 0
    return max(exercise.classification, plans)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _when(exercise: Exercise) -> str:
    if exercise.ends_on != exercise.starts_on:
        return f"{shown(exercise.starts_on)} – {shown(exercise.ends_on)}"
    return shown(exercise.starts_on)


def _where(exercise: Exercise) -> str:
    parts = [exercise.place, exercise.site.name if exercise.site else "",
             exercise.commune.name if exercise.commune else ""]  # fmt: skip
    return ", ".join(dict.fromkeys(p for p in parts if p)) or "—"


def _overview(exercise: Exercise) -> list[Block]:
    blocks: list[Block] = [Heading(_("I. THE EXERCISE"))]
    blocks.append(Paragraph(
        _("Type: %(type)s; held on %(when)s; place: %(where)s; organised by %(agency)s.")
        % {"type": exercise.get_type_display(), "when": _when(exercise),
           "where": _where(exercise), "agency": exercise.owning_agency.name}
    ))  # fmt: skip
    plans = ", ".join(p.code_name for p in exercise.plans.order_by("code_name"))
    if plans:
        blocks.append(Paragraph(_("Plans tested: %(plans)s.") % {"plans": plans}))
    sites = ", ".join(s.name for s in exercise.sites.order_by("name"))
    if sites:
        blocks.append(Paragraph(_("Key sites: %(sites)s.") % {"sites": sites}))
    scenario = _lines(exercise.scenario)
    if scenario:
        blocks.append(Paragraph(_("Scenario: %(text)s") % {"text": " ".join(scenario)}))
    participants = list(exercise.participants.select_related("agency").order_by("pk"))
    if participants:
        blocks.append(Paragraph(
            _("Taking part: %(agencies)d agencies, %(people)d people, %(equipment)d vehicles "
              "and devices.")
            % {"agencies": len(participants), "people": sum(p.people for p in participants),
               "equipment": sum(p.equipment for p in participants)}
        ))  # fmt: skip
        blocks.append(Table(
            header=[_("No."), _("Agency"), _("People"), _("Vehicles and devices")],
            rows=[[str(n), p.agency.name, str(p.people), str(p.equipment)]
                  for n, p in enumerate(participants, start=1)],
            widths=(1.2, 9.0, 2.6, 3.2),
        ))  # fmt: skip
    return blocks


def _objectives(exercise: Exercise) -> list[Block]:
    blocks: list[Block] = [Heading(_("II. RESULTS AGAINST THE OBJECTIVES"))]
    summary = _lines(exercise.summary)
    blocks.extend(Paragraph(line) for line in summary)
    objectives = list(exercise.objectives.order_by("number"))
    blocks.append(Table(
        header=[_("No."), _("Objective"), _("Capability"), _("Rating"), _("Observations")],
        rows=[[str(o.number), o.text, o.get_capability_display(), o.rating or "—",
               o.observations or "—"] for o in objectives],
        widths=(1.2, 5.6, 3.0, 1.6, 4.6),
    ))  # fmt: skip
    blocks.append(Paragraph(
        _("Ratings: P performed without challenges; S performed with some challenges; "
          "M performed with major challenges; U unable to be performed."), italic=True,
    ))  # fmt: skip
    return blocks


def _finding_line(n: int, finding: Finding) -> Paragraph:
    about = [finding.objective and _("objective %(n)d") % {"n": finding.objective.number},
             finding.capability and str(Capability(finding.capability).label),
             finding.plan and finding.plan.code_name]  # fmt: skip
    text = finding.text
    named = [str(a) for a in about if a]
    if named:
        text = f"{text} ({'; '.join(named)})"
    if finding.requires_revision:
        text = _("%(text)s The plan must be revised.") % {"text": text}
    return Paragraph(text, lead=f"{n}.")


def _findings(exercise: Exercise) -> list[Block]:
    findings = list(exercise.findings.select_related("objective", "plan").order_by("pk"))
    blocks: list[Block] = []
    for heading, kind in ((_("III. STRENGTHS"), FindingKind.STRENGTH),
                          (_("IV. AREAS FOR IMPROVEMENT"), FindingKind.IMPROVEMENT)):  # fmt: skip
        blocks.append(Heading(heading))
        chosen = [f for f in findings if f.kind == kind]
        blocks.extend(_finding_line(n, f) for n, f in enumerate(chosen, start=1))
        if not chosen:
            blocks.append(Paragraph(_("None recorded.")))
    return blocks


def _improves(action: CorrectiveAction) -> str:
    parts = [str(Capability(action.capability).label) if action.capability else "",
             action.plan.code_name if action.plan else ""]  # fmt: skip
    return "; ".join(p for p in parts if p) or "—"


def _plan(exercise: Exercise) -> list[Block]:
    actions = list(
        CorrectiveAction.objects.filter(exercise=exercise)
        .select_related("task__assignee", "plan", "finding")
        .order_by("task__deadline", "pk")
    )
    today = clock.today()
    blocks: list[Block] = [Heading(_("V. IMPROVEMENT PLAN"))]
    if not actions:
        blocks.append(Paragraph(_("No corrective action has been filed.")))
        return blocks
    blocks.append(Table(
        header=[_("No."), _("Corrective action"), _("Improves"), _("Responsible agency"),
                _("Due on"), _("State")],
        rows=[[str(n), a.task.description or a.task.title, _improves(a), a.task.assignee.name,
               shown(a.task.deadline), str(STATES[action_state(a.task, today)])]
              for n, a in enumerate(actions, start=1)],
        widths=(1.0, 5.4, 2.8, 3.2, 2.0, 1.6),
    ))  # fmt: skip
    return blocks


def official_document(exercise: Exercise) -> OfficialDocument:
    committee = exercise.owning_committee
    level = report_classification(exercise)
    recipients = [p.agency.name for p in exercise.participants.select_related("agency")
                  .order_by("pk")]  # fmt: skip
    return OfficialDocument(
        issuing_body=committee.name.upper(),
        parent_body=parent_body(committee),
        doc_type=TYPE_NAME,
        subject=_("Results of the exercise “%(name)s” and the improvement plan")
        % {"name": exercise.name},
        date=clock.today(),
        place=place_of(committee),
        symbol=f"{DocType.BAO_CAO.value}-{committee.short_name or 'BCĐ'}",
        signature=default_signature(committee),
        body=(*_overview(exercise), *_objectives(exercise), *_findings(exercise), *_plan(exercise)),
        recipients=(*recipients, "Lưu: VT"),
        classification_stamp=STAMPS[Classification(level)] if level else "",
    )


def after_action_docx(exercise: Exercise) -> bytes:
    """The after-action report and improvement plan as a Decree 30 .docx (a draft)."""
    with translation.override("vi"):
        return build_docx(official_document(exercise))


def filename(exercise: Exercise) -> str:
    return f"BC-dien-tap-{exercise.pk}.docx"
