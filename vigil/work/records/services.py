"""Work plans and meetings: the use cases. Each point can become tasks through the
same fan-out as a directive's (``tasks.services``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from vigil.core import audit, clock
from vigil.core.audit import Actor
from vigil.core.classification import Classification
from vigil.org.models import Agency, Committee, PostHolder
from vigil.org.scope import check_clearance
from vigil.work.models import WorkAction
from vigil.work.records.models import ConclusionPoint, Meeting, WorkPlan, WorkPlanItem
from vigil.work.services import (
    PointSpec,
    agencies_in_tree,
    require_issuer,
    standing_agency,
)
from vigil.work.tasks.models import Task
from vigil.work.tasks.services import point_tasks_within, tasks_from_points_within

# --- work plans


@transaction.atomic(durable=True)
def create_work_plan(
    committee: Committee,
    *,
    year: int,
    title: str,
    items: Sequence[PointSpec] = (),
    classification: int = Classification.UNCLASSIFIED,
    actor: Actor,
) -> WorkPlan:
    require_issuer(actor, committee)
    check_clearance(actor, classification)
    if WorkPlan.objects.filter(owning_committee=committee, year=year).exists():
        raise ValidationError({"year": _("This committee already has a work plan for this year.")})
    plan = WorkPlan(
        owning_committee=committee, owning_agency=standing_agency(committee), year=year,
        title=title.strip(), classification=classification, created_at=clock.now(),
    )  # fmt: skip
    plan.full_clean()
    plan.save()
    specs = []
    for order, spec in enumerate(items, start=1):
        item = WorkPlanItem.objects.create(plan=plan, order=order, text=spec.text)
        specs.append((spec, {"plan_item": item}))
    start = max(clock.today(), dt.date(year, 1, 1))
    tasks = tasks_from_points_within(
        committee, specs, assigned_on=start, classification=classification, actor=actor
    )
    audit.record(
        WorkAction.PLAN_CREATED, actor=actor, obj=plan,
        after={**audit.snapshot(plan), "items": len(items), "tasks": [t.pk for t in tasks]},
    )  # fmt: skip
    return plan


@transaction.atomic(durable=True)
def tasks_from_plan_item(item: WorkPlanItem, *, spec: PointSpec, actor: Actor) -> list[Task]:
    """Hand an item of a plan to agencies (each task is audited as assigned)."""
    plan = item.plan
    committee = plan.owning_committee
    require_issuer(actor, committee)
    return point_tasks_within(
        committee, spec, "plan_item", item,
        assigned_on=max(clock.today(), dt.date(plan.year, 1, 1)),
        classification=plan.classification, actor=actor,
    )  # fmt: skip


# --- meetings


@transaction.atomic(durable=True)
def record_meeting(
    committee: Committee,
    *,
    kind: str,
    title: str,
    held_on: dt.date,
    agenda: str = "",
    invited: Iterable[Agency] = (),
    attending: Iterable[Agency] = (),
    conclusions: str = "",
    points: Sequence[PointSpec] = (),
    classification: int = Classification.UNCLASSIFIED,
    starts_at: dt.time | None = None,
    venue: str = "",
    chair: PostHolder | None = None,
    reviews_year: int | None = None,
    actor: Actor,
) -> Meeting:
    """A meeting and its conclusions; each conclusion point may become tasks. The annual
    review conference names the year it reviews (``reviews_year``): it is held in that
    year or the next."""
    require_issuer(actor, committee)
    check_clearance(actor, classification)
    if kind not in Meeting.Kind.values:
        raise ValidationError({"kind": _("Unknown kind of meeting.")})
    invited = agencies_in_tree(committee, invited)
    attending = agencies_in_tree(committee, attending)
    if chair is not None and chair.post.committee_id != committee.pk:
        raise ValidationError({"chair": _("The chair holds no post of this committee.")})
    if reviews_year is not None and held_on.year not in (reviews_year, reviews_year + 1):
        raise ValidationError(
            {"reviews_year": _("A review conference is held in the year it reviews or the next.")}
        )
    meeting = Meeting(
        starts_at=starts_at, venue=venue.strip(), chair=chair,
        owning_committee=committee, owning_agency=standing_agency(committee), kind=kind,
        title=title.strip(), held_on=held_on, agenda=agenda, conclusions=conclusions,
        classification=classification, reviews_year=reviews_year, created_at=clock.now(),
    )  # fmt: skip
    meeting.full_clean()
    meeting.save()
    meeting.invited.set(invited)
    meeting.attending.set(attending)
    specs = []
    for order, spec in enumerate(points, start=1):
        point = ConclusionPoint.objects.create(meeting=meeting, order=order, text=spec.text)
        specs.append((spec, {"conclusion": point}))
    tasks = tasks_from_points_within(
        committee, specs, assigned_on=held_on, classification=classification, actor=actor
    )
    audit.record(
        WorkAction.MEETING_RECORDED, actor=actor, obj=meeting,
        after={**audit.snapshot(meeting), "invited": [a.pk for a in invited],
               "attending": [a.pk for a in attending], "tasks": [t.pk for t in tasks]},
    )  # fmt: skip
    return meeting


@transaction.atomic(durable=True)
def tasks_from_conclusion(point: ConclusionPoint, *, spec: PointSpec, actor: Actor) -> list[Task]:
    """Hand a conclusion of a meeting to agencies (each task is audited as assigned)."""
    meeting = point.meeting
    committee = meeting.owning_committee
    require_issuer(actor, committee)
    return point_tasks_within(
        committee, spec, "conclusion", point,
        assigned_on=max(clock.today(), meeting.held_on),
        classification=meeting.classification, actor=actor,
    )  # fmt: skip
