"""Organisation use cases: the only code that writes org rows.

Each runs in one transaction and appends its audit event last. ``actor`` is a
user or a ``SystemActor`` (seed, command line). The directory's use cases live
here (``directory``, ``contacts``); those of the people pages and the duty roster
in their concept packages (``vigil.org.people.services``,
``vigil.org.duty.services``). Callers outside org import them all from here.
"""

from vigil.org.duty.services import add_duty_shift, remove_duty_shift
from vigil.org.people.services import (
    approve_clearance_request,
    approve_role_request,
    create_member_user,
    deactivate_member,
    end_membership,
    grant_membership,
    reject_clearance_request,
    reject_role_request,
    require_user_administrator,
    reset_member_second_factor,
    set_clearance,
    unlock_member,
    update_member_user,
    update_membership,
)
from vigil.org.services.contacts import (
    CONTACT_EDITABLE,
    create_contact_point,
    update_contact_point,
)
from vigil.org.services.directory import (
    AGENCY_EDITABLE,
    COMMITTEE_EDITABLE,
    add_member_agency,
    appoint_holder,
    create_agency,
    create_committee,
    create_post,
    end_holder_term,
    end_member_agency,
    set_standing_agency,
    update_agency,
    update_committee,
    update_member_agency,
    update_post,
)

__all__ = [
    "AGENCY_EDITABLE",
    "COMMITTEE_EDITABLE",
    "CONTACT_EDITABLE",
    "add_duty_shift",
    "add_member_agency",
    "appoint_holder",
    "approve_clearance_request",
    "approve_role_request",
    "create_agency",
    "create_committee",
    "create_contact_point",
    "create_member_user",
    "create_post",
    "deactivate_member",
    "end_holder_term",
    "end_member_agency",
    "end_membership",
    "grant_membership",
    "reject_clearance_request",
    "reject_role_request",
    "remove_duty_shift",
    "require_user_administrator",
    "reset_member_second_factor",
    "set_clearance",
    "set_standing_agency",
    "unlock_member",
    "update_agency",
    "update_committee",
    "update_contact_point",
    "update_member_agency",
    "update_member_user",
    "update_membership",
    "update_post",
]
