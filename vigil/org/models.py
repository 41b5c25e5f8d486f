"""The committee tree, its agencies, posts and holders, memberships and contact points."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from vigil.core.search import fold
from vigil.org.duty.models import DutyShift as DutyShift

# The models of org's concept packages, imported here so that Django (and the
# migrations) find every org model in ``vigil.org.models`` as before.
from vigil.org.people.models import (
    ClearanceRequest as ClearanceRequest,
)
from vigil.org.people.models import (
    RequestStatus as RequestStatus,
)
from vigil.org.people.models import (
    SecondPersonRequest as SecondPersonRequest,
)
from vigil.org.scope import COMMITTEE_WIDE_ROLES as COMMITTEE_WIDE_ROLES
from vigil.org.scope import AgencyQuerySet, DirectoryQuerySet, Owned, OwnedQuerySet
from vigil.org.scope import Role as Role


class OrgAction(models.TextChoices):
    COMMITTEE_CREATED = "committee.created", _("Committee created")
    COMMITTEE_UPDATED = "committee.updated", _("Committee updated")
    AGENCY_CREATED = "agency.created", _("Agency created")
    AGENCY_UPDATED = "agency.updated", _("Agency updated")
    MEMBER_AGENCY_ADDED = "member_agency.added", _("Member agency added")
    MEMBER_AGENCY_UPDATED = "member_agency.updated", _("Member agency dates changed")
    MEMBER_AGENCY_ENDED = "member_agency.ended", _("Member agency's membership ended")
    POST_CREATED = "post.created", _("Post created")
    POST_UPDATED = "post.updated", _("Post updated")
    HOLDER_APPOINTED = "holder.appointed", _("Post holder appointed")
    HOLDER_TERM_ENDED = "holder.term_ended", _("Post holder's term ended")
    MEMBERSHIP_GRANTED = "membership.granted", _("Role assigned")
    MEMBERSHIP_UPDATED = "membership.updated", _("Role dates changed")
    MEMBERSHIP_ENDED = "membership.ended", _("Role ended")
    USER_UPDATED = "user.updated", _("User's name or e-mail changed")
    CLEARANCE_CHANGED = "user.clearance_changed", _("Clearance changed")
    CLEARANCE_REQUESTED = "clearance.requested", _("Clearance requested")
    CLEARANCE_APPROVED = "clearance.approved", _("Clearance request approved")
    CLEARANCE_REJECTED = "clearance.rejected", _("Clearance request rejected")
    ROLE_REQUESTED = "role.requested", _("Role requested (waits for a committee leader)")
    ROLE_APPROVED = "role.approved", _("Role request approved")
    ROLE_REJECTED = "role.rejected", _("Role request rejected")
    IMPORT_COMPLETED = "import.completed", _("Bulk import completed")
    CONTACT_CREATED = "contact_point.created", _("Contact point created")
    CONTACT_UPDATED = "contact_point.updated", _("Contact point updated")
    DUTY_SHIFT_ADDED = "duty_shift.added", _("Duty shift added")
    DUTY_SHIFT_REMOVED = "duty_shift.removed", _("Duty shift removed")


class Period(models.Model):
    """Valid from a day, to a day or open-ended: members, holders and roles change by decision."""

    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="%(app_label)s_%(class)s_period",
                violation_error_message=_("The period ends before it starts."),
            ),
        ]

    @staticmethod
    def current_on(day: dt.date, prefix: str = "") -> Q:
        """Rows whose period covers ``day`` (``prefix`` for a related model, e.g. "post__")."""
        return Q(**{f"{prefix}valid_from__lte": day}) & (
            Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gte": day})
        )


class Committee(models.Model):
    """A steering committee; committees form a tree of any depth."""

    class Level(models.TextChoices):
        NATIONAL = "national", _("National")
        SECTOR = "sector", _("Ministry or sector")
        PROVINCE = "province", pgettext_lazy("committee level", "Province")
        COMMUNE = "commune", pgettext_lazy("committee level", "Commune")

    name = models.CharField(_("name"), max_length=300)
    short_name = models.CharField(
        _("abbreviation"), max_length=30, help_text=_("Used in document symbols, e.g. BCĐ.")
    )
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent committee"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    # Materialised path of ids ("/1/4/9/") so "this committee and below" is one prefix match.
    path = models.CharField(max_length=400, db_index=True, editable=False, default="")
    admin_unit = models.ForeignKey(
        "core.AdminUnit",
        verbose_name=_("administrative unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    standing_agency = models.ForeignKey(
        "Agency",
        verbose_name=_("standing agency"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # The committee's own code in document exchange (QCVN 102): its documents go
    # out under it, not under the standing agency's (which is often a recipient).
    electronic_code = models.CharField(
        _("electronic identifier code"),
        max_length=40,
        blank=True,
        help_text=_("Mã định danh điện tử (Decision 20/2020/QĐ-TTg)."),
    )
    name_folded = models.CharField(max_length=300, editable=False, db_index=True, default="")

    objects = DirectoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("committee")
        verbose_name_plural = _("committees")
        ordering = ["path"]
        constraints = [
            # Documents are addressed by this code: two holders would take each other's.
            models.UniqueConstraint(
                fields=["electronic_code"],
                condition=~Q(electronic_code=""),
                name="org_committee_electronic_code_unique",
                violation_error_message=_("Another committee has this electronic identifier code."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.name_folded = fold(self.name)
        super().save(*args, **kwargs)


class Agency(models.Model):
    """A member department or unit, a commune body, or a licensed organisation."""

    class Kind(models.TextChoices):
        PEOPLES_COMMITTEE = "peoples_committee", _("People's Committee")
        POLICE = "police", _("Police")
        MILITARY = "military", _("Military command")
        BORDER_GUARD = "border_guard", _("Border guard")
        DEPARTMENT = "department", _("Department")
        INSPECTORATE = "inspectorate", _("Inspectorate")
        ENTERPRISE = "enterprise", _("State enterprise or airport")
        COMMUNE_BODY = "commune_body", _("Commune body")
        LICENSED_ORGANISATION = "licensed_organisation", _("Licensed organisation")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=300)
    short_name = models.CharField(_("abbreviation"), max_length=40, blank=True)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    committee = models.ForeignKey(
        Committee,
        verbose_name=_("home committee"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agencies",
        help_text=_(
            "The committee whose directory holds this agency; none for licensed organisations."
        ),
    )
    electronic_code = models.CharField(
        _("electronic identifier code"),
        max_length=40,
        blank=True,
        help_text=_("Mã định danh điện tử (Decision 20/2020/QĐ-TTg)."),
    )
    admin_unit = models.ForeignKey(
        "core.AdminUnit",
        verbose_name=_("administrative unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    tax_code = models.CharField(_("tax code"), max_length=20, blank=True)
    licensed_by = models.ManyToManyField(
        "self",
        verbose_name=_("licensed by"),
        symmetrical=False,
        blank=True,
        related_name="licensees",
    )
    name_folded = models.CharField(max_length=300, editable=False, db_index=True, default="")

    objects = AgencyQuerySet.as_manager()

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["electronic_code"],
                condition=~Q(electronic_code=""),
                name="org_agency_electronic_code_unique",
                violation_error_message=_("Another agency has this electronic identifier code."),
            ),
            models.CheckConstraint(
                condition=Q(kind="licensed_organisation", committee__isnull=True)
                | (~Q(kind="licensed_organisation") & Q(committee__isnull=False)),
                name="org_agency_committee_by_kind",
                violation_error_message=_(
                    "A licensed organisation stands outside every committee; "
                    "every other agency belongs to one."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.name_folded = fold(f"{self.name} {self.short_name}")
        super().save(*args, **kwargs)


class MemberAgency(Period):
    """An agency's membership of a committee, with dates (members change by decision)."""

    committee = models.ForeignKey(
        Committee, verbose_name=_("committee"), on_delete=models.PROTECT, related_name="members"
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="memberships_in"
    )

    objects = DirectoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("member agency")
        verbose_name_plural = _("member agencies")
        ordering = ["committee", "agency__name"]
        constraints = list(Period.Meta.constraints)

    def __str__(self) -> str:
        return f"{self.agency} — {self.committee}"


class Post(models.Model):
    """A seat in a committee, appointed by post rather than by name."""

    class Kind(models.TextChoices):
        HEAD = "head", _("Head")
        STANDING_DEPUTY = "standing_deputy", _("Standing deputy head")
        DEPUTY = "deputy", _("Deputy head")
        STANDING_MEMBER = "standing_member", _("Standing member")
        MEMBER = "member", _("Member")
        SECRETARY = "secretary", _("Secretary")

    committee = models.ForeignKey(
        Committee, verbose_name=_("committee"), on_delete=models.PROTECT, related_name="posts"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("agency"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="posts",
        help_text=_("The agency whose office-holder fills this post by virtue of that office."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = DirectoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["committee", "order", "pk"]

    def __str__(self) -> str:
        return self.title


class PostHolder(Period):
    """Who held a post, from when to when, by which appointing decision."""

    post = models.ForeignKey(
        Post, verbose_name=_("post"), on_delete=models.PROTECT, related_name="holders"
    )
    holder_name = models.CharField(_("full name"), max_length=200)
    position = models.CharField(
        _("position in the agency"),
        max_length=200,
        blank=True,
        help_text=_("e.g. Director of Provincial Police"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decision_number = models.CharField(_("appointing decision"), max_length=60, blank=True)
    decision_date = models.DateField(_("date of the decision"), null=True, blank=True)

    objects = DirectoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("post holder")
        verbose_name_plural = _("post holders")
        ordering = ["post", "-valid_from"]
        constraints = list(Period.Meta.constraints)

    def __str__(self) -> str:
        return f"{self.holder_name} — {self.post}"


class Membership(Period):
    """A user's role in an agency (and, for committee-wide roles, in a committee)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="user_memberships"
    )
    committee = models.ForeignKey(
        Committee,
        verbose_name=_("committee"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="user_memberships",
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        ordering = ["user", "valid_from"]
        constraints = [
            *Period.Meta.constraints,
            models.CheckConstraint(
                condition=(
                    Q(role__in=sorted(COMMITTEE_WIDE_ROLES), committee__isnull=False)
                    | (~Q(role__in=sorted(COMMITTEE_WIDE_ROLES)) & Q(committee__isnull=True))
                ),
                name="org_membership_role_place",
                violation_error_message=_(
                    "Committee-wide roles are held in a committee; agency roles in the agency only."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()}"


class ContactPoint(Owned):
    """An agency's phones, e-mail and address; scoped by the rule like any owned object."""

    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="contact_points"
    )
    label = models.CharField(
        _("name of the contact point"), max_length=200, help_text=_("e.g. Duty desk, Hotline")
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    note = models.TextField(_("note"), blank=True)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("contact point")
        verbose_name_plural = _("contact points")
        ordering = ["agency__name", "label"]

    def __str__(self) -> str:
        return self.label


# Roles that open what one person alone must not hand out: the audit trail, the
# committee's decisions, an explosives ledger. Granting one needs a second person.
SECOND_PERSON_ROLES = frozenset({Role.AUDITOR, Role.COMMITTEE_LEADER, Role.STOREKEEPER})


class RoleRequest(Period, SecondPersonRequest):
    """A role of ``SECOND_PERSON_ROLES`` an administrator asked for: it waits for a
    committee leader over ``decided_in`` (the committee the role is administered
    in), and only approval creates the role assignment."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        related_name="role_requests",
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="+"
    )
    committee = models.ForeignKey(
        Committee,
        verbose_name=_("committee"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    decided_in = models.ForeignKey(
        Committee,
        verbose_name=_("committee that decides"),
        on_delete=models.PROTECT,
        related_name="role_requests",
    )
    membership = models.OneToOneField(
        Membership,
        verbose_name=_("role assignment granted"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("role request")
        verbose_name_plural = _("role requests")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            *Period.Meta.constraints,
            # One pending request per role: NULL committees would never clash in a plain
            # unique index, hence the COALESCE.
            models.UniqueConstraint(
                "user",
                "role",
                "agency",
                Coalesce("committee", Value(0)),
                condition=Q(status="pending"),
                name="org_rolerequest_one_pending",
                violation_error_message=_(
                    "The same role for this user is already waiting for approval."
                ),
            ),
            models.CheckConstraint(
                condition=Q(status="pending", decided_at__isnull=True)
                | (~Q(status="pending") & Q(decided_at__isnull=False)),
                name="org_rolerequest_decided_when_not_pending",
                violation_error_message=_("A decided request records when it was decided."),
            ),
            models.CheckConstraint(
                condition=Q(status="approved", membership__isnull=False)
                | (~Q(status="approved") & Q(membership__isnull=True)),
                name="org_rolerequest_role_when_approved",
                violation_error_message=_("Only an approved request grants a role."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_role_display()} ({self.get_status_display()})"
