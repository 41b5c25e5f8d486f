"""Memberships, users and clearance: what an administrator does for people."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from vigil.accounts import services as accounts
from vigil.accounts.models import User
from vigil.accounts.services import create_user
from vigil.core import audit, clock
from vigil.core.audit import Actor, SystemActor
from vigil.core.classification import Classification
from vigil.org.administration.queries import (
    actor_clearance,
    agencies_administered,
    can_administer_user,
    can_lead_user,
    licensing_committee,
)
from vigil.org.administration.services import (
    check_period,
    clean,
    end_on,
    set_period,
)
from vigil.org.models import (
    COMMITTEE_WIDE_ROLES,
    SECOND_PERSON_ROLES,
    Agency,
    ClearanceRequest,
    Committee,
    Membership,
    OrgAction,
    Role,
    RoleRequest,
)
from vigil.org.scope import require_committee_admin, scope_for


def _check_grant(
    user: User,
    *,
    agency: Agency,
    role: str,
    committee: Committee | None,
    valid_from: dt.date,
    valid_to: dt.date | None,
    actor: Actor,
) -> Committee:
    """The rules of a role grant; the committee it is administered in."""
    home = committee or agency.committee or licensing_committee(agency)
    require_committee_admin(actor, home)
    assert home is not None  # require_committee_admin refuses a grant administered nowhere
    # A role's agency is one of the user's agencies in the scope rule: it must lie in
    # the administrator's tree, or a commune could hand itself the province's police.
    if (
        not isinstance(actor, SystemActor)
        and not agencies_administered(actor).filter(pk=agency.pk).exists()
    ):
        raise ValidationError(
            {"agency": _("This agency is outside the committees you administer.")}
        )
    if not isinstance(actor, SystemActor) and user.pk == actor.pk:
        raise PermissionDenied(
            _("No one may grant a role to themselves: another administrator must do it.")
        )
    check_period(valid_from, valid_to)
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role.")})
    if role in COMMITTEE_WIDE_ROLES and committee is None:
        raise ValidationError({"committee": _("This role is held in a committee.")})
    if role not in COMMITTEE_WIDE_ROLES and committee is not None:
        raise ValidationError({"committee": _("This role is held in the agency only.")})
    if role == Role.STOREKEEPER and agency.kind != Agency.Kind.LICENSED_ORGANISATION:
        raise ValidationError({"role": _("Storekeepers belong to licensed organisations.")})
    return home


def _membership(user: User, *, actor: Actor, **fields: Any) -> Membership:
    membership = Membership(user=user, **fields)
    clean(membership)
    membership.save()
    audit.record(
        OrgAction.MEMBERSHIP_GRANTED, actor=actor, obj=membership, after=audit.snapshot(membership)
    )
    return membership


def grant_membership_within(
    user: User,
    *,
    agency: Agency,
    role: str,
    committee: Committee | None = None,
    valid_from: dt.date,
    valid_to: dt.date | None = None,
    actor: Actor,
) -> Membership | RoleRequest:
    """Assign a role. No one assigns one to themselves; an auditor, committee
    leader or storekeeper role is only requested (returned as a ``RoleRequest``)
    and waits for a committee leader, as a clearance above the administrator's does."""
    fields: dict[str, Any] = {"agency": agency, "role": role, "committee": committee,
                              "valid_from": valid_from, "valid_to": valid_to}  # fmt: skip
    home = _check_grant(user, actor=actor, **fields)
    if role not in SECOND_PERSON_ROLES or isinstance(actor, SystemActor):
        return _membership(user, actor=actor, **fields)
    if RoleRequest.objects.filter(
        user=user, role=role, agency=agency, committee=committee, status=RoleRequest.Status.PENDING
    ).exists():
        raise ValidationError(_("The same role for this user is already waiting for approval."))
    request = RoleRequest(
        user=user, decided_in=home, requested_by=actor, requested_at=clock.now(), **fields
    )
    clean(request)
    try:
        with transaction.atomic():
            request.save()
    except IntegrityError as exc:  # the same request, saved at the same moment
        raise ValidationError(
            _("The same role for this user is already waiting for approval.")
        ) from exc
    audit.record(
        OrgAction.ROLE_REQUESTED, actor=actor, obj=request,
        after=audit.snapshot(request, ["user_id", "agency_id", "committee_id", "role",
                                       "valid_from", "valid_to", "status"]),
    )  # fmt: skip
    return request


# The use case; the bulk import and the seed, which hold a transaction of their own,
# call the helper ``grant_membership_within``.
grant_membership = transaction.atomic(durable=True)(grant_membership_within)


def _decide_role(request: RoleRequest, *, actor: Actor, note: str, approve: bool) -> RoleRequest:
    request = RoleRequest.objects.select_for_update(of=("self",)).select_related(
        "decided_in", "user", "agency", "committee"
    ).get(pk=request.pk)  # fmt: skip
    if not scope_for(actor).committee_role_covers(request.decided_in.path, Role.COMMITTEE_LEADER):
        raise PermissionDenied(
            _("Only a committee leader over this committee may decide this request.")
        )
    request.refuse_deciding(actor)
    before = {"status": request.status}
    if approve:
        fields: dict[str, Any] = {
            "agency": request.agency, "role": request.role, "committee": request.committee,
            "valid_from": request.valid_from, "valid_to": request.valid_to,
        }  # fmt: skip
        # The rules hold at the decision as at the request (Vigil checks, not the requester).
        _check_grant(request.user, actor=SystemActor("org.role_request"), **fields)
        request.membership = _membership(request.user, actor=actor, **fields)
    request.record_decision(actor, approve=approve, note=note)
    clean(request)
    request.save(
        update_fields=["status", "decided_by", "decided_at", "decision_note", "membership"]
    )
    audit.record(
        OrgAction.ROLE_APPROVED if approve else OrgAction.ROLE_REJECTED, actor=actor,
        obj=request, before=before,
        after={"status": request.status, "membership": request.membership_id,
               "note": request.decision_note},
    )  # fmt: skip
    return request


@transaction.atomic(durable=True)
def approve_role_request(request: RoleRequest, *, actor: Actor, note: str = "") -> RoleRequest:
    """A committee leader over the committee, neither the requester nor the user, approves."""
    return _decide_role(request, actor=actor, note=note, approve=True)


@transaction.atomic(durable=True)
def reject_role_request(request: RoleRequest, *, actor: Actor, note: str = "") -> RoleRequest:
    return _decide_role(request, actor=actor, note=note, approve=False)


def _membership_committee(membership: Membership) -> Committee | None:
    agency = membership.agency
    return membership.committee or agency.committee or licensing_committee(agency)


@transaction.atomic(durable=True)
def update_membership(
    membership: Membership, *, valid_from: dt.date, valid_to: dt.date | None, actor: Actor
) -> Membership:
    committee = _membership_committee(membership)
    require_committee_admin(actor, committee)
    assert committee is not None
    if not isinstance(actor, SystemActor):
        if membership.user_id == actor.pk:
            raise PermissionDenied(
                _("No one may change the dates of their own role: another administrator must.")
            )
        longer = valid_from < membership.valid_from or (
            membership.valid_to is not None and (valid_to is None or valid_to > membership.valid_to)
        )
        if membership.role in SECOND_PERSON_ROLES and longer:
            raise ValidationError(
                _("Lengthening this role needs a committee leader's approval: assign it again "
                  "for the new dates.")
            )  # fmt: skip
    result: Membership = set_period(
        membership, OrgAction.MEMBERSHIP_UPDATED, committee=committee, actor=actor,
        valid_from=valid_from, valid_to=valid_to,
    )  # fmt: skip
    return result


@transaction.atomic(durable=True)
def end_membership(membership: Membership, *, on: dt.date, actor: Actor) -> Membership:
    """The role's last day is ``on``; from the day after it gives nothing."""
    committee = _membership_committee(membership)
    require_committee_admin(actor, committee)
    assert committee is not None
    end_on(membership, on)
    result: Membership = set_period(
        membership, OrgAction.MEMBERSHIP_ENDED, committee=committee, actor=actor, valid_to=on
    )
    return result


def require_user_administrator(actor: Actor, user: User) -> None:
    if not can_administer_user(actor, user):
        raise PermissionDenied(_("You do not administer this user's committee."))


def _check_email(email: str) -> str:
    email = email.strip()
    if not email:
        raise ValidationError({"email": _("Enter the user's e-mail address.")})
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError(
            {"email": _("“%(value)s” is not an e-mail address.") % {"value": email}}
        ) from None
    return email


def create_member_user_within(
    *,
    username: str,
    full_name: str,
    email: str,
    password: str | None,
    clearance: int = Classification.UNCLASSIFIED,
    agency: Agency,
    role: str,
    committee: Committee | None = None,
    valid_from: dt.date,
    valid_to: dt.date | None = None,
    actor: Actor,
) -> tuple[User, ClearanceRequest | None]:
    """A new account with its first role. A clearance above the administrator's
    own starts at Thường and waits, as a request, for a committee leader."""
    require_committee_admin(actor, committee or agency.committee or licensing_committee(agency))
    email = _check_email(email)
    if not full_name.strip():
        raise ValidationError({"full_name": _("Enter the user's full name.")})
    if clearance not in Classification.values:
        raise ValidationError({"clearance": _("Unknown classification.")})
    start = clearance if clearance <= actor_clearance(actor) else Classification.UNCLASSIFIED
    user = create_user(
        username=username.strip(), full_name=full_name.strip(), email=email,
        password=password, clearance=start, actor=actor,
    )  # fmt: skip
    grant_membership_within(
        user, agency=agency, role=role, committee=committee,
        valid_from=valid_from, valid_to=valid_to, actor=actor,
    )  # fmt: skip
    request = None
    if clearance != start:
        request = set_clearance_within(user, clearance, actor=actor)
    return user, request


# The use case; the bulk import and the seed, which hold a transaction of their own,
# call the helper ``create_member_user_within``.
create_member_user = transaction.atomic(durable=True)(create_member_user_within)


@transaction.atomic(durable=True)
def update_member_user(user: User, *, actor: Actor, **changes: str) -> User:
    """Correct an account's full name or e-mail (an account holds nothing more)."""
    require_user_administrator(actor, user)
    unknown = set(changes) - {"full_name", "email"}
    if unknown:
        raise ValidationError(_("These fields cannot be changed: %s") % ", ".join(sorted(unknown)))
    if "email" in changes:
        changes["email"] = _check_email(changes["email"])
    if "full_name" in changes:
        changes["full_name"] = changes["full_name"].strip()
        if not changes["full_name"]:
            raise ValidationError({"full_name": _("Enter the user's full name.")})
    user = User.objects.select_for_update().get(pk=user.pk)
    changes = {k: v for k, v in changes.items() if getattr(user, k) != v}
    if not changes:
        return user
    before = audit.snapshot(user, ["full_name", "email"])
    for name, value in changes.items():
        setattr(user, name, value)
    user.full_clean(exclude=["password"])
    user.save(update_fields=list(changes))
    audit.record(
        OrgAction.USER_UPDATED, actor=actor, obj=user, before=before,
        after=audit.snapshot(user, ["full_name", "email"]),
    )  # fmt: skip
    return user


def set_clearance_within(
    user: User, level: int, *, actor: Actor, reason: str = ""
) -> ClearanceRequest | None:
    """Grant ``level`` at once when it is at most the administrator's own
    clearance; above it, file a request for a committee leader (returned)."""
    require_user_administrator(actor, user)
    if level not in Classification.values:
        raise ValidationError({"level": _("Unknown classification.")})
    user = User.objects.select_for_update().get(pk=user.pk)
    if level == user.clearance:
        raise ValidationError({"level": _("The user already holds this clearance.")})
    if level <= actor_clearance(actor):
        before = {"clearance": user.clearance}
        user.clearance = level
        user.save(update_fields=["clearance"])
        audit.record(
            OrgAction.CLEARANCE_CHANGED, actor=actor, obj=user, before=before,
            after={"clearance": level},
        )  # fmt: skip
        return None
    if ClearanceRequest.objects.filter(user=user, status=ClearanceRequest.Status.PENDING).exists():
        raise ValidationError(_("A clearance request for this user is already waiting."))
    request = ClearanceRequest(
        user=user,
        level=level,
        reason=reason.strip(),
        requested_by=audit.acting_user(actor),
        requested_at=clock.now(),
    )
    clean(request)
    request.save()
    audit.record(
        OrgAction.CLEARANCE_REQUESTED, actor=actor, obj=request,
        after=audit.snapshot(request, ["user_id", "level", "reason", "status"]),
    )  # fmt: skip
    return request


# The use case; ``create_member_user``, which holds a transaction already, calls the
# helper ``set_clearance_within``.
set_clearance = transaction.atomic(durable=True)(set_clearance_within)


def _decide(
    request: ClearanceRequest, *, actor: Actor, note: str, approve: bool
) -> ClearanceRequest:
    request = ClearanceRequest.objects.select_for_update().get(pk=request.pk)
    if not can_lead_user(actor, request.user):
        raise PermissionDenied(
            _("Only a committee leader over this user's committee may decide this request.")
        )
    request.refuse_deciding(actor)
    if approve and request.level > actor_clearance(actor):
        raise PermissionDenied(_("You cannot approve a clearance above your own."))
    user = User.objects.select_for_update().get(pk=request.user_id)
    before = {"status": request.status, "clearance": user.clearance}
    if approve:
        user.clearance = request.level
        user.save(update_fields=["clearance"])
    request.record_decision(actor, approve=approve, note=note)
    clean(request)
    request.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    audit.record(
        OrgAction.CLEARANCE_APPROVED if approve else OrgAction.CLEARANCE_REJECTED,
        actor=actor,
        obj=request,
        before=before,
        after={
            "status": request.status,
            "clearance": user.clearance,
            "note": request.decision_note,
        },
    )
    return request


@transaction.atomic(durable=True)
def approve_clearance_request(
    request: ClearanceRequest, *, actor: Actor, note: str = ""
) -> ClearanceRequest:
    """A committee leader over the user's committee, cleared at least as high, approves."""
    return _decide(request, actor=actor, note=note, approve=True)


@transaction.atomic(durable=True)
def reject_clearance_request(
    request: ClearanceRequest, *, actor: Actor, note: str = ""
) -> ClearanceRequest:
    return _decide(request, actor=actor, note=note, approve=False)


@transaction.atomic(durable=True)
def deactivate_member(user: User, *, actor: Actor) -> None:
    """Deactivate an account the administrator answers for (sessions end, tokens revoked)."""
    require_user_administrator(actor, user)
    if not isinstance(actor, SystemActor) and user.pk == actor.pk:
        raise ValidationError(_("You cannot deactivate your own account."))
    accounts.deactivate_user(user, actor=actor)


@transaction.atomic(durable=True)
def unlock_member(user: User, *, actor: Actor) -> int:
    """Lift a lockout before its cool-off ends; how many failure records were cleared."""
    require_user_administrator(actor, user)
    return accounts.unlock_account(user, actor=actor)


@transaction.atomic(durable=True)
def reset_member_second_factor(user: User, *, actor: Actor) -> None:
    """Remove a lost authenticator; the user enrols again at their next sign-in."""
    require_user_administrator(actor, user)
    accounts.reset_second_factor(user, actor=actor)
