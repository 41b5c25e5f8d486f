"""Plan reviews: reminders before the review date, escalation once it has passed.

The sweep ``sites.plan_reviews`` (every hour) calls ``sweep_reviews``. The rows
are the truth, so a second run, a second worker or a restart sends nothing
twice:

- before the review date, one reminder per plan per threshold (30 and 7 days)
  to the plan's agency, through ``remind_once``; the threshold names the review
  date, so the next cycle reminds again;
- once the date has passed, the standing office is told and an escalation case
  (kind ``plan_review``) is opened, once per plan and review date (the notice is
  a ``remind_once`` row too); the next approved version closes the case
  (``services.approve_version``).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from vigil.core.dates import shown
from vigil.inbox.escalation import open_case
from vigil.inbox.models import CaseKind
from vigil.inbox.services import CommitteeRole, remind_once
from vigil.org.models import Role
from vigil.sites.models import Plan

SWEEP = "sites.plan_reviews"
REMIND_RULE = "sites.plan_review"
OVERDUE_RULE = "sites.plan_overdue"
REMIND_AT = (30, 7)  # days before the review date


def threshold_for(days_left: int) -> int | None:
    """The nearest threshold the plan has reached: 30 at 30..8 days left, 7 from 7 on."""
    return next((n for n in sorted(REMIND_AT) if days_left <= n), None)


def sweep_reviews(now: dt.datetime) -> int:
    """The sweep: remind the agencies whose plan falls due, escalate the overdue ones.
    Returns how many reminders, notices and cases it wrote."""
    today = timezone.localdate(now)
    due = (
        Plan.objects.filter(
            in_force__isnull=False,
            next_review_on__lte=today + dt.timedelta(days=max(REMIND_AT)),
        )
        .select_related("owning_committee", "owning_agency")
        .order_by("next_review_on", "pk")
    )
    acted = 0
    with translation.override(settings.LANGUAGE_CODE):
        for plan in due.iterator(chunk_size=500):
            assert plan.next_review_on is not None
            if plan.next_review_on < today:
                acted += _escalate(plan, now)
            else:
                acted += _remind(plan, (plan.next_review_on - today).days, now)
    return acted


def _remind(plan: Plan, days_left: int, now: dt.datetime) -> int:
    threshold = threshold_for(days_left)
    if threshold is None:
        return 0
    review = plan.next_review_on
    assert review is not None
    sent = remind_once(
        plan, rule=REMIND_RULE, threshold=f"{threshold}d:{review.isoformat()}",
        recipients=plan.owning_agency,
        message=_("Plan %(plan)s is due for review on %(day)s.")
        % {"plan": plan.code_name, "day": shown(review)},
        now=now,
    )  # fmt: skip
    return int(sent is not None)


def _escalate(plan: Plan, now: dt.datetime) -> int:
    review = plan.next_review_on
    assert review is not None
    subject = _("Plan %(plan)s is overdue: its review fell due on %(day)s.") % {
        "plan": plan.code_name, "day": shown(review),
    }  # fmt: skip
    with transaction.atomic():
        told = remind_once(
            plan, rule=OVERDUE_RULE, threshold=review.isoformat(),
            recipients=CommitteeRole(plan.owning_committee, Role.STANDING_OFFICE),
            message=subject, now=now,
        )  # fmt: skip
        if told is None:
            return 0
        open_case(
            plan, kind=CaseKind.PLAN_REVIEW, subject=subject, committee=plan.owning_committee,
            agency=plan.owning_agency, opened_at=now,
        )  # fmt: skip
    return 1
