"""Organisation use cases: the only code that writes org rows.

Each runs in one transaction and appends its audit event last. ``actor`` is a
user or a ``SystemActor`` (seed, command line). Split by concept; import them
from here.
"""

from vigil.org.services.contacts import (
    CONTACT_EDITABLE,
    add_duty_shift,
    create_contact_point,
    remove_duty_shift,
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
from vigil.org.services.people import (
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
    role_requests_visible_to,
    set_clearance,
    unlock_member,
    update_member_user,
    update_membership,
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
    "role_requests_visible_to",
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
