"""THE scope rule. Every list, detail, export, search, feed and API endpoint
asks ``visible_to(user)``; what a user may not see is *not found*.

A user sees an owned object when

1. they hold a committee-wide role in the owning committee or a committee
   above it, or
2. the object is owned by, addressed or assigned to, or shared with one of
   their agencies, or addressed to (shared with) a committee in which they
   hold a committee-wide role;

and the object's classification is at or below their clearance. Directory data
(committees, agencies, posts, holders, admin units) is visible to every member
of a committee; a licensed organisation's users see their own organisation and
the agencies that license it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeAlias, TypeVar

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from vigil.core import clock
from vigil.core.audit import ActorContext, SystemActor
from vigil.core.classification import Classification

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from vigil.accounts.models import User
    from vigil.core.audit import Actor
    from vigil.org.models import Committee, Membership

# Whoever asks to read: a person, Vigil itself, or someone not signed in (who sees
# nothing). Like ``Actor``, a string the type checker reads: the views pass
# ``request.user``, which may be anonymous; the writes take an ``Actor``.
Viewer: TypeAlias = "Actor | AnonymousUser"

M = TypeVar("M", bound=models.Model)


class Role(models.TextChoices):
    # Committee-wide roles, held in a committee.
    COMMITTEE_LEADER = "committee_leader", _("Committee leader")
    STANDING_OFFICE = "standing_office", _("Standing office")
    AUDITOR = "auditor", _("Auditor")
    ADMINISTRATOR = "administrator", _("Administrator")
    # Agency roles, held in the agency only.
    AGENCY_HEAD = "agency_head", _("Agency head")
    OFFICER = "officer", _("Officer")
    STOREKEEPER = "storekeeper", _("Storekeeper")


COMMITTEE_WIDE_ROLES = frozenset(
    {Role.COMMITTEE_LEADER, Role.STANDING_OFFICE, Role.AUDITOR, Role.ADMINISTRATOR}
)


def _org_model(name: str) -> Any:
    """An org model, from the app registry: ``org/models.py`` imports this module
    (``Owned``, the querysets, ``Role``), so this module does not import it back."""
    return apps.get_model("org", name)


# Which membership names the actor in the audit when a user holds several.
ROLE_PRECEDENCE = (
    Role.COMMITTEE_LEADER, Role.ADMINISTRATOR, Role.STANDING_OFFICE, Role.AUDITOR,
    Role.AGENCY_HEAD, Role.OFFICER, Role.STOREKEEPER,
)  # fmt: skip


@dataclass(frozen=True)
class UserScope:
    """What one user may see today, computed once per request."""

    day: dt.date
    clearance: int = -1
    agency_ids: frozenset[int] = frozenset()
    committee_ids: frozenset[int] = frozenset()  # committee-wide role held here
    committees_below: frozenset[int] = frozenset()  # those and every committee under them
    committee_paths: frozenset[str] = frozenset()  # the paths of ``committee_ids``
    directory_member: bool = False
    licensing_agency_ids: frozenset[int] = frozenset()
    # (role, agency id, committee id, committee path) of each active membership
    roles: tuple[tuple[str, int, int | None, str], ...] = field(default=())
    # Vigil itself (a ``SystemActor``): every role everywhere, every object.
    everything: bool = False

    def committee_role_covers(self, committee_path: str, *roles: str) -> bool:
        """A committee-wide role in this committee or one above it."""
        if self.everything:
            return True
        return any(
            role in roles and path and committee_path.startswith(path)
            for role, _agency, _committee, path in self.roles
        )

    def agency_role_in(self, agency_id: int, *roles: str) -> bool:
        if self.everything:
            return True
        return any(
            role in roles and agency == agency_id and committee is None
            for role, agency, committee, _path in self.roles
        )


NO_SCOPE = UserScope(day=dt.date.min)
# What Vigil itself (the worker, the command line, the seed) may do: anything.
SYSTEM_SCOPE = UserScope(
    day=dt.date.max,
    clearance=max(Classification.values),
    directory_member=True,
    everything=True,
)


def active_memberships(user: User, day: dt.date) -> models.QuerySet[Membership]:
    membership = _org_model("Membership")
    current: models.QuerySet[Membership] = membership.objects.filter(
        membership.current_on(day), user=user
    )
    return current.select_related("agency", "committee")


def scope_for(user: Viewer) -> UserScope:
    """The user's scope for today; cached on the user object of this request.
    Vigil itself (a ``SystemActor``) has ``SYSTEM_SCOPE``, which covers everything."""
    if isinstance(user, SystemActor):
        return SYSTEM_SCOPE
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return NO_SCOPE
    day = clock.today()
    cached: UserScope | None = getattr(user, "_vigil_scope", None)
    if cached is not None and cached.day == day:
        return cached
    Agency, Committee = _org_model("Agency"), _org_model("Committee")
    memberships = list(active_memberships(user, day))
    committee_ids = frozenset(
        m.committee_id for m in memberships if m.role in COMMITTEE_WIDE_ROLES and m.committee_id
    )
    below: set[int] = set()
    paths = frozenset(
        m.committee.path for m in memberships if m.committee and m.committee_id in committee_ids
    )
    if paths:
        prefix = Q()
        for path in paths:
            prefix |= Q(path__startswith=path)
        below = set(Committee.objects.filter(prefix).values_list("pk", flat=True))
    agency_ids = frozenset(m.agency_id for m in memberships)
    licensers = frozenset(
        Agency.licensed_by.through.objects.filter(from_agency_id__in=agency_ids).values_list(
            "to_agency_id", flat=True
        )
    )
    scope = UserScope(
        day=day,
        clearance=user.clearance,
        agency_ids=agency_ids,
        committee_ids=committee_ids,
        committees_below=frozenset(below),
        committee_paths=paths,
        directory_member=any(m.committee_id or m.agency.committee_id for m in memberships),
        licensing_agency_ids=licensers,
        roles=tuple(
            (m.role, m.agency_id, m.committee_id, m.committee.path if m.committee else "")
            for m in memberships
        ),
    )
    user._vigil_scope = scope  # type: ignore[attr-defined]  # a cache, not a column
    return scope


class OwnedQuerySet(models.QuerySet[M], Generic[M]):
    def visible_to(self, user: Viewer) -> OwnedQuerySet[M]:
        scope = scope_for(user)
        if scope.everything:
            return self.all()
        q = Q(owning_committee_id__in=scope.committees_below) | self._reached(scope)
        return self.filter(q, classification__lte=scope.clearance)

    def _reached(self, scope: UserScope) -> Q:
        """The ways of seeing other than a committee-wide role: through an agency or a share."""
        model: Any = self.model
        q = Q(owning_agency_id__in=scope.agency_ids)
        for name in model.scope_agency_fields:
            q |= _addressed(model, name, scope.agency_ids)
        for name in model.scope_committee_fields:
            q |= _addressed(model, name, scope.committee_ids)
        return q

    def visible_through(self, user: Viewer, name: str) -> OwnedQuerySet[M]:
        """``visible_to(user)`` narrowed to what the foreign key ``name`` (one of the
        model's ``scope_agency_fields``) points from to one of the user's agencies.
        That is itself one of the ways of seeing, so the narrowing is the whole
        predicate, and an index on ``name`` serves it (a liaison's "my tasks")."""
        model: Any = self.model
        if name not in model.scope_agency_fields or model._meta.get_field(name).many_to_many:
            raise ValueError(f"{name} is not a foreign key that makes {model.__name__} visible")
        scope = scope_for(user)
        return self.filter(
            **{f"{name}_id__in": scope.agency_ids}, classification__lte=scope.clearance
        )

    def visible_owned(self, user: Viewer) -> OwnedQuerySet[M]:
        """The first part of ``visible_in_parts``: what the committees in which the user
        holds a committee-wide role, and those below them, own."""
        scope = scope_for(user)
        if scope.everything:
            return self.all()
        return self.filter(
            owning_committee_id__in=scope.committees_below, classification__lte=scope.clearance
        )

    def visible_in_parts(self, user: Viewer) -> tuple[OwnedQuerySet[M], OwnedQuerySet[M]]:
        """``visible_to(user)`` as two disjoint parts whose union is exactly it: what a
        committee of the user's (or one below it) owns, a plain predicate that an index
        can cover, and the rest, reached through an agency or a share."""
        Committee = _org_model("Committee")
        scope = scope_for(user)
        if scope.everything:
            return self.all(), self.none()
        below = scope.committees_below
        if not below:
            return self.none(), self.visible_to(user)
        owned = self.visible_owned(user)
        # The rest lies in the other committees; named, not negated, so that an index
        # on the owning committee finds it (and nothing is read when there are none).
        # Only those that own a row at all: the database probes that index once per
        # committee outside the user's subtrees (found by path), and the list it hands
        # back stays short however large the directory. Every committee of thousands
        # in the list made SQLite's planner scan the whole table for the rest.
        outside = Q()
        for path in scope.committee_paths:
            outside &= ~Q(path__startswith=path)
        owners = self.model._default_manager.filter(owning_committee_id=OuterRef("pk"))
        others = list(
            Committee.objects.filter(outside, Exists(owners)).values_list("pk", flat=True)
        )
        # Outside those subtrees only an agency or a share gives sight: ``visible_to``
        # without its committee branch, which could only match rows the list excludes
        # (and, left in, made SQLite walk every row of the committees listed).
        rest = self.filter(
            self._reached(scope),
            owning_committee_id__in=others,
            classification__lte=scope.clearance,
        )
        return owned, rest if others else self.none()


def _addressed(model: Any, name: str, ids: frozenset[int]) -> Q:
    """Objects whose field ``name`` (a foreign key or many-to-many) points into ``ids``."""
    field_ = model._meta.get_field(name)
    if not field_.many_to_many:
        return Q(**{f"{name}_id__in": ids})
    through = field_.remote_field.through
    links = through.objects.filter(**{f"{field_.m2m_reverse_field_name()}_id__in": ids}).values(
        f"{field_.m2m_field_name()}_id"
    )
    return Q(pk__in=links)


class DirectoryQuerySet(models.QuerySet[M], Generic[M]):
    def visible_to(self, user: Viewer) -> DirectoryQuerySet[M]:
        scope = scope_for(user)
        return self.all() if scope.directory_member else self.outside_committees(scope)

    def outside_committees(self, scope: UserScope) -> DirectoryQuerySet[M]:
        """What a user outside every committee (a licensed organisation's) sees."""
        return self.none()


class AgencyQuerySet(DirectoryQuerySet[M]):
    def outside_committees(self, scope: UserScope) -> AgencyQuerySet[M]:
        # Their own organisation and the agencies that license it.
        return self.filter(pk__in=scope.agency_ids | scope.licensing_agency_ids)


class Owned(models.Model):
    """An object with an owning committee and agency, a classification, and shares.

    Models that are *addressed* or *assigned* to agencies or committees name
    those fields in ``scope_agency_fields`` / ``scope_committee_fields``.
    """

    owning_committee = models.ForeignKey(
        "org.Committee",
        verbose_name=_("owning committee"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    owning_agency = models.ForeignKey(
        "org.Agency", verbose_name=_("owning agency"), on_delete=models.PROTECT, related_name="+"
    )
    classification = models.PositiveSmallIntegerField(
        _("classification"), choices=Classification.choices, default=Classification.UNCLASSIFIED
    )
    shared_agencies = models.ManyToManyField(
        "org.Agency", verbose_name=_("shared with agencies"), blank=True, related_name="+"
    )
    shared_committees = models.ManyToManyField(
        "org.Committee", verbose_name=_("shared with committees"), blank=True, related_name="+"
    )

    scope_agency_fields: ClassVar[tuple[str, ...]] = ("shared_agencies",)
    scope_committee_fields: ClassVar[tuple[str, ...]] = ("shared_committees",)

    class Meta:
        abstract = True


def get_visible_or_404(queryset: Any, user: Viewer, **lookup: Any) -> Any:
    """The object if this user may see it; otherwise 404, exactly as if it did not exist."""
    obj = queryset.visible_to(user).filter(**lookup).first()
    if obj is None:
        raise Http404
    return obj


def admin_units_visible_to(user: Viewer) -> Any:
    from vigil.core.models import AdminUnit

    return AdminUnit.objects.all() if scope_for(user).directory_member else AdminUnit.objects.none()


def primary_membership(user: User) -> Membership | None:
    """The role a user acts in when they hold several: the header shows it, the audit records it."""
    return min(
        active_memberships(user, clock.today()),
        key=lambda m: ROLE_PRECEDENCE.index(m.role),
        default=None,
    )


def audit_actor_context(user: User) -> ActorContext:
    """The role and agency an audited action is taken in (settings.VIGIL_AUDIT_ACTOR_CONTEXT)."""
    primary = primary_membership(user)
    if primary is None:
        return ActorContext()
    return ActorContext(
        role=primary.role, agency_id=primary.agency_id, agency_label=primary.agency.name
    )


# --- Writes: seeing is not changing (a visible object the user may not change is 403).


def can_edit_contact_points(user: Viewer, agency: Any) -> bool:
    scope = scope_for(user)
    if scope.agency_role_in(agency.pk, Role.AGENCY_HEAD, Role.OFFICER):
        return True
    committee = agency.committee
    return committee is not None and scope.committee_role_covers(
        committee.path, Role.STANDING_OFFICE, Role.ADMINISTRATOR
    )


MFA_ROLES = frozenset(
    {Role.COMMITTEE_LEADER, Role.STANDING_OFFICE, Role.ADMINISTRATOR, Role.AUDITOR}
)


def requires_second_factor(user: Viewer) -> bool:
    """settings.VIGIL_MFA_POLICY: committee leaders, standing office, administrators and
    auditors hold the committee's keys, so they sign in with a second factor."""
    return any(
        role in MFA_ROLES and committee is not None
        for role, _agency, committee, _path in scope_for(user).roles
    )


def check_clearance(user: Viewer, level: int) -> None:
    """Refuse a classification unknown or above the user's own clearance (a service's
    check before it writes: no one classifies what they could not read)."""
    if level not in Classification.values:
        raise ValidationError({"classification": gettext("Unknown classification.")})
    if level > scope_for(user).clearance:
        raise ValidationError(
            {"classification": gettext("You cannot classify above your own clearance.")}
        )


def committees_with_role(user: Viewer, *roles: str) -> frozenset[int]:
    """Ids of the committees where ``user`` holds one of ``roles``, and every committee below."""
    Committee = _org_model("Committee")
    scope = scope_for(user)
    if scope.everything:
        return frozenset(Committee.objects.values_list("pk", flat=True))
    paths = {path for role, _a, _c, path in scope.roles if role in roles and path}
    if not paths:
        return frozenset()
    prefix = Q()
    for path in paths:
        prefix |= Q(path__startswith=path)
    return frozenset(Committee.objects.filter(prefix).values_list("pk", flat=True))


# Who keeps a committee's number registers, and who reads its audit log.
REGISTER_ROLES = (Role.STANDING_OFFICE, Role.ADMINISTRATOR, Role.COMMITTEE_LEADER)
AUDIT_ROLES = (Role.AUDITOR, Role.STANDING_OFFICE)


def can_keep_numbers(user: Viewer, committee: Committee) -> bool:
    return scope_for(user).committee_role_covers(committee.path, *REGISTER_ROLES)


def can_set_numbering(user: Viewer, committee: Committee) -> bool:
    return scope_for(user).committee_role_covers(committee.path, Role.ADMINISTRATOR)


def can_read_audit(user: Viewer, committee: Committee | None = None) -> bool:
    """An auditor or the standing office (of ``committee`` or above, when given)."""
    scope = scope_for(user)
    if committee is None:
        return scope.everything or any(
            role in AUDIT_ROLES and path for role, _a, _c, path in scope.roles
        )
    return scope.committee_role_covers(committee.path, *AUDIT_ROLES)


def require_committee_role(
    actor: Viewer, committee: Committee | None, *roles: str, message: str
) -> None:
    """403 unless ``actor`` holds one of ``roles`` in ``committee`` or a committee above it.
    Vigil itself passes (its scope covers everything); no committee is refused."""
    scope = scope_for(actor)
    if scope.everything:
        return
    if committee is None or not scope.committee_role_covers(committee.path, *roles):
        raise PermissionDenied(message)


def require_committee_admin(
    actor: Viewer, committee: Committee | None, message: str | None = None
) -> None:
    """The one "only an administrator of this committee (or one above it)" check."""
    message = message or gettext("Only an administrator of this committee may do this.")
    require_committee_role(actor, committee, Role.ADMINISTRATOR, message=message)
