"""Who keeps the registry, and who may be in it.

The keepers: the licensing agency's officers and head (for the organisations
it licenses), the standing office and the administrators of the province
committee (for all of its organisations), and Vigil itself. These are rules
of writing; who may *see* a record is the one scope rule (``visible_to``). And where a
record belongs: the committee of the province its commune lies in.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from vigil.core.audit import Actor, SystemActor
from vigil.core.models import AdminUnit
from vigil.org.models import Agency, Committee, Role
from vigil.org.scope import Viewer, scope_for

KEEPER_COMMITTEE_ROLES = (Role.STANDING_OFFICE, Role.ADMINISTRATOR)

KEEPER_AGENCY_ROLES = (Role.AGENCY_HEAD, Role.OFFICER)

# The kinds of agency that issue licences for explosives and weapons: the
# Department of Industry and Trade (a department), the police, the military.
LICENSING_KINDS = (Agency.Kind.DEPARTMENT, Agency.Kind.POLICE, Agency.Kind.MILITARY)


def may_keep(user: Viewer, committee: Committee | None, licensing_agency_id: int | None) -> bool:
    """May ``user`` write the registry records of this committee / licensing agency?"""
    scope = scope_for(user)
    if committee is not None and scope.committee_role_covers(
        committee.path, *KEEPER_COMMITTEE_ROLES
    ):
        return True
    return licensing_agency_id is not None and scope.agency_role_in(
        licensing_agency_id, *KEEPER_AGENCY_ROLES
    )


def may_keep_record(user: Viewer, record: Any) -> bool:
    """For an existing record with ``owning_committee`` and ``licensing_agency``."""
    return may_keep(user, record.owning_committee, record.licensing_agency_id)


def require_keeper(
    actor: Actor, committee: Committee | None, licensing_agency_id: int | None
) -> None:
    if not may_keep(actor, committee, licensing_agency_id):
        raise PermissionDenied(
            _(
                "Only the licensing agency, the standing office or an administrator "
                "may change the registry."
            )
        )


def licensing_agencies_for(user: Viewer) -> Any:
    """Agencies the user may name as an organisation's licensing agency."""
    qs = Agency.objects.filter(kind__in=LICENSING_KINDS, committee__isnull=False)
    if isinstance(user, SystemActor):
        return qs
    scope = scope_for(user)
    # The registry is provincial: a commune committee's standing office does not keep it.
    keeper_in = [c for role, _a, c, _p in scope.roles if role in KEEPER_COMMITTEE_ROLES and c]
    paths = Committee.objects.filter(
        pk__in=keeper_in, level__in=[Committee.Level.NATIONAL, Committee.Level.PROVINCE]
    ).values_list("path", flat=True)
    own = [a for role, a, c, _p in scope.roles if role in KEEPER_AGENCY_ROLES and c is None]
    q = Q(pk__in=own)
    for path in paths:
        q |= Q(committee__path__startswith=path)
    return qs.filter(q).order_by("name")


def may_create_organisations(user: Viewer) -> bool:
    return bool(licensing_agencies_for(user).exists())


def require_licensed(organisation: Agency) -> None:
    if organisation.kind != Agency.Kind.LICENSED_ORGANISATION:
        raise ValidationError(_("%(org)s is not a licensed organisation.") % {"org": organisation})


def province_committee(unit: AdminUnit) -> Committee:
    """The committee of the province a commune lies in."""
    province = unit.parent or unit
    committee = Committee.objects.filter(level="province", admin_unit=province).first()
    if committee is None:
        raise ValidationError(_("No provincial committee covers %(unit)s.") % {"unit": unit})
    return committee


def licenser_of(organisation: Agency) -> Agency | None:
    """The agency that licenses the organisation (its first)."""
    return organisation.licensed_by.first()
