"""Reads of blasts: those a user sees, and those that stand out because they do not
balance (for the list's filter, the blast's page and the home panel).

A blast stands out while it is open and either its recorded results leave a line
unaccounted for (issued ≠ used + returned, or a line without results beside lines
with them), or it was fired more than a day ago and no result is recorded at all.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import BooleanField, Exists, ExpressionWrapper, F, OuterRef, Q, QuerySet

from vigil.controlled.blasts.models import Blast, BlastLine
from vigil.core import clock
from vigil.org.scope import Viewer

# How long after its time a blast may wait for its results before it stands out.
RESULTS_GRACE = dt.timedelta(days=1)


def visible_blasts(user: Viewer) -> QuerySet[Blast]:
    """The blasts the user may see, with what their pages show."""
    return Blast.objects.visible_to(user).select_related(
        "store", "owning_agency", "admin_unit", "person_in_charge"
    )


def _has_results() -> Exists:
    return Exists(
        BlastLine.objects.filter(blast=OuterRef("pk")).filter(
            Q(used__isnull=False) | Q(returned__isnull=False)
        )
    )


def _off_line() -> Exists:
    """A line that does not balance: a figure missing, or used + returned ≠ issued."""
    return Exists(
        BlastLine.objects.filter(blast=OuterRef("pk")).filter(
            Q(used__isnull=True) | Q(returned__isnull=True) | ~Q(issued=F("used") + F("returned"))
        )
    )


def _stands_out() -> Q:
    late = clock.now() - RESULTS_GRACE
    return Q(status=Blast.Status.OPEN) & (
        (_has_results() & _off_line()) | (~_has_results() & Q(fired_at__lt=late))
    )


def with_marker(blasts: QuerySet[Blast]) -> QuerySet[Blast]:
    """``blasts`` with ``stands_out`` (True: it does not balance) on each row."""
    return blasts.annotate(stands_out=ExpressionWrapper(_stands_out(), output_field=BooleanField()))


def not_balancing(blasts: QuerySet[Blast]) -> QuerySet[Blast]:
    return blasts.filter(_stands_out())


def unbalanced_blasts(user: Viewer) -> QuerySet[Blast]:
    """The open blasts the user sees that do not balance, or wait too long for
    their results: the home panel's list."""
    return not_balancing(visible_blasts(user)).order_by("fired_at", "pk")


def stands_out(blast: Blast, lines: list[BlastLine]) -> bool:
    """The same rule for one blast whose lines are read (its page)."""
    if blast.status != Blast.Status.OPEN:
        return False
    if any(line.used is not None or line.returned is not None for line in lines):
        return any(not line.balanced for line in lines)
    return blast.fired_at < clock.now() - RESULTS_GRACE
