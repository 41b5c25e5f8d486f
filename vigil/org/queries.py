"""Reads of the directory pages (committees, agencies, posts, admin units).

Which rows a user may see is ``scope.py``'s rule; these shape what a page shows.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch

from vigil.accounts.models import User
from vigil.core import clock
from vigil.org.models import Agency, Committee, Period, PostHolder
from vigil.org.scope import Viewer, primary_membership, scope_for


def current_holders() -> Prefetch[Any]:
    """Each post's holders of today, as ``post.current_holders``."""
    current = PostHolder.objects.filter(Period.current_on(clock.today()))
    return Prefetch("holders", queryset=current, to_attr="current_holders")


def opened_branches(user: Viewer, asked: set[int]) -> set[int]:
    """Ids of the committees whose children the tree shows: every committee on
    the path to the user's own committees and to those ``asked`` for (?open=)."""
    scope = scope_for(user)
    paths = set(
        Agency.objects.filter(pk__in=scope.agency_ids, committee__isnull=False).values_list(
            "committee__path", flat=True
        )
    )
    paths |= set(
        Committee.objects.filter(pk__in=scope.committee_ids | asked).values_list("path", flat=True)
    )
    return {int(part) for path in paths for part in path.strip("/").split("/") if part}


def home_province_id(user: User) -> int | None:
    """The province of the user's first committee (a commune's parent unit)."""
    member = primary_membership(user)
    committee = member and (member.committee or member.agency.committee)
    unit = committee.admin_unit if committee else None
    if unit is not None and unit.parent_id is not None:
        return int(unit.parent_id)
    return unit.pk if unit is not None else None
