"""The after-action report and improvement plan (*báo cáo kết quả diễn tập và kế hoạch
khắc phục*) as a Decree 30 document of type BC, in Vietnamese whatever the reader's
language: what the exercise was, how each objective was performed (P/S/M/U), the
strengths, the areas for improvement, and the improvement plan (each corrective
action, what it improves, its agency, its due date and its state, from its task).

It is a draft ("DỰ THẢO", no number) until the standing office issues it through the
work app's documents. It is built for a reader (``viewer``; ``None``: Vigil itself,
which sees everything): it names only the plans, key sites and corrective actions'
tasks that reader sees, and carries the stamp of the most classified thing it shows
(the exercise included). ``contents`` says what it shows, for the view event.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from vigil.core import clock
from vigil.core.audit import SystemActor
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
from vigil.org.scope import Viewer
from vigil.sites.models import KeySite, Plan
from vigil.work.tasks.models import Task

TYPE_NAME = "Báo cáo"


@dataclass(frozen=True)
class Contents:
    """What the report shows one reader: the plans, sites and corrective actions'
    tasks it may name (those the reader sees) and the findings (but those about a plan
    the reader does not see)."""

    exercise: Exercise
    plans: dict[int, Plan]  # every plan the report may name (tested, of a finding or action)
    tested: list[Plan]
    sites: list[KeySite]
    site: KeySite | None
    findings: list[Finding]
    actions: list[CorrectiveAction]

    @property
    def shown(self) -> list[Any]:
        """Everything the report names, for its view event and its stamp."""
        site = [self.site] if self.site else []
        tasks = [a.task for a in self.actions]
        return [self.exercise, *self.plans.values(), *self.sites, *site, *tasks]

    @property
    def classification(self) -> int:
        return max(int(getattr(o, "classification", 0)) for o in self.shown)


def contents(exercise: Exercise, viewer: Viewer | None = None) -> Contents:
    """What the report names for ``viewer`` (``None``: Vigil itself, everything)."""
    who: Viewer = viewer if viewer is not None else SystemActor("after-action report")
    findings = list(exercise.findings.select_related("objective").order_by("pk"))
    actions = list(
        CorrectiveAction.objects.filter(exercise=exercise)
        .filter(task__in=Task.objects.visible_to(who))
        .select_related("task__assignee", "finding")
        .order_by("task__deadline", "pk")
    )
    tested_ids = set(exercise.plans.values_list("pk", flat=True))
    named = tested_ids | {f.plan_id for f in findings if f.plan_id}
    named |= {a.plan_id for a in actions if a.plan_id}
    plans = {p.pk: p for p in Plan.objects.visible_to(who).filter(pk__in=named)}
    # A finding about a plan the reader does not see is about that plan (its text
    # names it): left out with the plan.
    findings = [f for f in findings if not f.plan_id or f.plan_id in plans]
    sites = KeySite.objects.visible_to(who)
    site = sites.filter(pk=exercise.site_id).first() if exercise.site_id else None
    return Contents(
        exercise=exercise,
        plans=plans,
        tested=sorted((p for p in plans.values() if p.pk in tested_ids),
                      key=lambda p: (p.code_name, p.pk)),
        sites=list(sites.filter(pk__in=exercise.sites.values("pk")).order_by("name", "pk")),
        site=site,
        findings=findings,
        actions=actions,
    )  # fmt: skip


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _when(exercise: Exercise) -> str:
    if exercise.ends_on != exercise.starts_on:
        return f"{shown(exercise.starts_on)} – {shown(exercise.ends_on)}"
    return shown(exercise.starts_on)


def _where(c: Contents) -> str:
    exercise = c.exercise
    parts = [exercise.place, c.site.name if c.site else "",
             exercise.commune.name if exercise.commune else ""]  # fmt: skip
    return ", ".join(dict.fromkeys(p for p in parts if p)) or "—"


def _overview(c: Contents) -> list[Block]:
    exercise = c.exercise
    blocks: list[Block] = [Heading(_("I. THE EXERCISE"))]
    blocks.append(Paragraph(
        _("Type: %(type)s; held on %(when)s; place: %(where)s; organised by %(agency)s.")
        % {"type": exercise.get_type_display(), "when": _when(exercise),
           "where": _where(c), "agency": exercise.owning_agency.name}
    ))  # fmt: skip
    plans = ", ".join(p.code_name for p in c.tested)
    if plans:
        blocks.append(Paragraph(_("Plans tested: %(plans)s.") % {"plans": plans}))
    sites = ", ".join(s.name for s in c.sites)
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


def _finding_line(n: int, finding: Finding, plans: dict[int, Plan]) -> Paragraph:
    plan = plans.get(finding.plan_id) if finding.plan_id else None
    about = [finding.objective and _("objective %(n)d") % {"n": finding.objective.number},
             finding.capability and str(Capability(finding.capability).label),
             plan and plan.code_name]  # fmt: skip
    text = finding.text
    named = [str(a) for a in about if a]
    if named:
        text = f"{text} ({'; '.join(named)})"
    if finding.requires_revision:
        text = _("%(text)s The plan must be revised.") % {"text": text}
    return Paragraph(text, lead=f"{n}.")


def _findings(c: Contents) -> list[Block]:
    findings = c.findings
    blocks: list[Block] = []
    for heading, kind in ((_("III. STRENGTHS"), FindingKind.STRENGTH),
                          (_("IV. AREAS FOR IMPROVEMENT"), FindingKind.IMPROVEMENT)):  # fmt: skip
        blocks.append(Heading(heading))
        chosen = [f for f in findings if f.kind == kind]
        blocks.extend(_finding_line(n, f, c.plans) for n, f in enumerate(chosen, start=1))
        if not chosen:
            blocks.append(Paragraph(_("None recorded.")))
    return blocks


def _improves(action: CorrectiveAction, plans: dict[int, Plan]) -> str:
    plan = plans.get(action.plan_id) if action.plan_id else None
    parts = [str(Capability(action.capability).label) if action.capability else "",
             plan.code_name if plan else ""]  # fmt: skip
    return "; ".join(p for p in parts if p) or "—"


def _plan(c: Contents) -> list[Block]:
    actions = c.actions
    today = clock.today()
    blocks: list[Block] = [Heading(_("V. IMPROVEMENT PLAN"))]
    if not actions:
        blocks.append(Paragraph(_("No corrective action has been filed.")))
        return blocks
    blocks.append(Table(
        header=[_("No."), _("Corrective action"), _("Improves"), _("Responsible agency"),
                _("Due on"), _("State")],
        rows=[[str(n), a.task.description or a.task.title, _improves(a, c.plans), a.task.assignee.name,
               shown(a.task.deadline), str(STATES[action_state(a.task, today)])]
              for n, a in enumerate(actions, start=1)],
        widths=(1.0, 5.4, 2.8, 3.2, 2.0, 1.6),
    ))  # fmt: skip
    return blocks


def official_document(c: Contents) -> OfficialDocument:
    exercise = c.exercise
    committee = exercise.owning_committee
    level = c.classification
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
        body=(*_overview(c), *_objectives(exercise), *_findings(c), *_plan(c)),
        recipients=(*recipients, "Lưu: VT"),
        classification_stamp=STAMPS[Classification(level)] if level else "",
    )


def build(c: Contents) -> bytes:
    """The report of these contents as a Decree 30 .docx (a draft)."""
    with translation.override("vi"):
        return build_docx(official_document(c))


def after_action_docx(exercise: Exercise, viewer: Viewer | None = None) -> bytes:
    """The after-action report and improvement plan as a Decree 30 .docx (a draft),
    naming only what ``viewer`` sees (``None``: Vigil itself, everything)."""
    return build(contents(exercise, viewer))


def filename(exercise: Exercise) -> str:
    return f"BC-dien-tap-{exercise.pk}.docx"
