"""Key sites (*mục tiêu, công trình trọng điểm*), their contingency plans
(*phương án*, PA) with versions and approval, and the risk register.

A site is owned like every domain object (``Owned``): the committee of the area
it lies in and the agency that keeps its record; the responsible member agency
sees it too. A plan covers one or more sites and is at least as classified as
each; its versions go draft → submitted → approved (in force) → superseded, or
are returned with comments. A version once submitted is never edited.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from vigil.core.coordinates import (
    LAT_MAX,
    LAT_MIN,
    LATITUDE_MESSAGE,
    LON_MAX,
    LON_MIN,
    LONGITUDE_MESSAGE,
    PAIRED_MESSAGE,
)
from vigil.core.search import fold
from vigil.org.scope import Owned, OwnedQuerySet, Viewer

DEFAULT_REVIEW_MONTHS = 12
REVIEW_NOTICE_DAYS = 30  # "review due" this many days before the review date


class SiteAction(models.TextChoices):
    CATEGORY_ADDED = "site_category.added", _("Site category added")
    SITE_CREATED = "key_site.created", _("Key site created")
    SITE_UPDATED = "key_site.updated", _("Key site changed")
    SITE_ARCHIVED = "key_site.archived", _("Key site archived")
    SITES_IMPORTED = "key_site.imported", _("Key sites imported")
    PLAN_CREATED = "plan.created", _("Contingency plan created")
    REVISION_REQUIRED = "plan.revision_required", _("Plan revision required")
    PLAN_EXERCISED = "plan.exercised", _("Plan exercised")
    VERSION_ADDED = "plan_version.added", _("Plan version drafted")
    VERSION_UPDATED = "plan_version.updated", _("Plan version draft changed")
    VERSION_SUBMITTED = "plan_version.submitted", _("Plan version submitted")
    VERSION_APPROVED = "plan_version.approved", _("Plan version approved")
    VERSION_RETURNED = "plan_version.returned", _("Plan version returned")
    ASSESSMENT_RECORDED = "risk_assessment.recorded", _("Risk assessment recorded")
    REVIEW_CYCLE_SET = "plan_review.cycle_set", _("Plan review cycle set")


class ScenarioType(models.TextChoices):
    BOMB_THREAT = "bomb_threat", _("Bomb threat")
    ARMED_ATTACK = "armed_attack", _("Armed attack")
    HOSTAGE = "hostage", _("Hostage taking")
    HIJACKING = "hijacking", _("Hijacking of an aircraft or vessel")
    EXPLOSIVES_THEFT = "explosives_theft", _("Explosives theft")
    CBRN = "cbrn", _("CBRN release")
    DRONE = "drone", _("Drone intrusion")
    CYBER = "cyber", _("Cyber attack on the site's systems")
    OTHER = "other", _("Other")


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved (in force)")
    RETURNED = "returned", _("Returned")
    SUPERSEDED = "superseded", _("Superseded")


OPEN_STATUSES = (VersionStatus.DRAFT, VersionStatus.SUBMITTED)


class Freshness(models.TextChoices):
    """The state of a plan, worst last; a site takes the worst of its plans."""

    CURRENT = "current", _("Current")
    REVIEW_DUE = "review_due", _("Review due")
    NOT_APPROVED = "not_approved", _("No approved version")
    OVERDUE = "overdue", _("Overdue")
    REVISION_REQUIRED = "revision_required", _("Revision required")


NO_PLAN = "no_plan"  # a site no visible plan covers (a filter value, not a plan's state)

CYCLE_MESSAGE = _("The review cycle is from 1 to 60 months.")

# The structured sections of a version, in the order the plan prints them.
SECTIONS: tuple[tuple[str, Any], ...] = (
    ("situation", _("Situation and scenario")),
    ("command", _("Command and control")),
    ("forces", _("Forces and tasks by agency")),
    ("communications", _("Communications")),
    ("cordon", _("Cordon and evacuation")),
    ("medical", _("Medical")),
    ("public_information", _("Public information")),
    ("recovery", _("Recovery")),
)
SECTION_NAMES = tuple(name for name, _label in SECTIONS)


class SiteCategory(models.Model):
    """A kind of key site. The seeded ones serve every committee (``committee`` empty);
    a committee adds its own."""

    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    committee = models.ForeignKey(
        "org.Committee",
        verbose_name=_("added by committee"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    order = models.PositiveSmallIntegerField(_("order"), default=100)

    class Meta:
        verbose_name = _("site category")
        verbose_name_plural = _("site categories")
        ordering = ["order", "name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"],
                name="sites_category_code_unique",
                violation_error_message=_("A site category with this code already exists."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class KeySite(Owned):
    """A key target or critical site the committee keeps a plan for."""

    name = models.CharField(_("name"), max_length=300)
    name_folded = models.CharField(max_length=600, editable=False, db_index=True, default="")
    category = models.ForeignKey(
        SiteCategory, verbose_name=_("category"), on_delete=models.PROTECT, related_name="sites"
    )
    owner_name = models.CharField(
        _("owning organisation"),
        max_length=300,
        blank=True,
        help_text=_("The organisation or company that runs the site."),
    )
    responsible_agency = models.ForeignKey(
        "org.Agency",
        verbose_name=_("responsible member agency"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    commune = models.ForeignKey(
        "core.AdminUnit",
        verbose_name=_("commune"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    criticality = models.PositiveSmallIntegerField(
        _("criticality"), default=3, help_text=_("From 1 (low) to 5 (highest).")
    )
    notes = models.TextField(_("notes"), blank=True)
    archived = models.BooleanField(_("archived"), default=False)
    created_at = models.DateTimeField(_("created at"))

    objects = OwnedQuerySet.as_manager()

    scope_agency_fields: ClassVar[tuple[str, ...]] = ("shared_agencies", "responsible_agency")

    class Meta:
        verbose_name = _("key site")
        verbose_name_plural = _("key sites")
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(criticality__gte=1, criticality__lte=5),
                name="sites_site_criticality_range",
                violation_error_message=_("Criticality is a number from 1 to 5."),
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True)
                | Q(latitude__gte=LAT_MIN, latitude__lte=LAT_MAX),
                name="sites_site_latitude_in_vietnam",
                violation_error_message=LATITUDE_MESSAGE,
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True)
                | Q(longitude__gte=LON_MIN, longitude__lte=LON_MAX),
                name="sites_site_longitude_in_vietnam",
                violation_error_message=LONGITUDE_MESSAGE,
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="sites_site_coordinates_paired",
                violation_error_message=PAIRED_MESSAGE,
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.name_folded = fold(f"{self.name} {self.owner_name} {self.address}")
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("sites:site_detail", kwargs={"pk": self.pk})


class PlanReviewSetting(models.Model):
    """A committee's review cycle for its plans; without a row, 12 months."""

    committee = models.OneToOneField(
        "org.Committee",
        verbose_name=_("committee"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    review_cycle_months = models.PositiveSmallIntegerField(
        _("review cycle (months)"), default=DEFAULT_REVIEW_MONTHS
    )

    class Meta:
        verbose_name = _("plan review setting")
        verbose_name_plural = _("plan review settings")
        ordering = ["committee"]
        constraints = [
            models.CheckConstraint(
                condition=Q(review_cycle_months__gte=1, review_cycle_months__lte=60),
                name="sites_review_cycle_range",
                violation_error_message=CYCLE_MESSAGE,
            )
        ]

    def __str__(self) -> str:
        return f"{self.committee_id}: {self.review_cycle_months}"


class Plan(Owned):
    """A contingency plan (*phương án*) covering one or more sites."""

    code_name = models.CharField(_("code name"), max_length=100)
    title = models.CharField(_("title"), max_length=300, blank=True)
    sites = models.ManyToManyField(KeySite, verbose_name=_("sites"), related_name="plans")
    scenario_types = models.JSONField(_("scenario types"), default=list, blank=True)
    in_force = models.ForeignKey(
        "PlanVersion",
        verbose_name=_("version in force"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    next_review_on = models.DateField(_("next review"), null=True, blank=True)
    revision_required = models.BooleanField(_("revision required"), default=False)
    revision_reason = models.TextField(_("why a revision is required"), blank=True)
    # The last day an exercise of the plan was conducted (the exercises app sets it
    # through ``services.mark_exercised``): "exercised in the last 12 months".
    last_exercised_on = models.DateField(_("last exercised on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"))

    objects = OwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("contingency plan")
        verbose_name_plural = _("contingency plans")
        ordering = ["code_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["owning_committee", "code_name"],
                name="sites_plan_code_name_unique",
                violation_error_message=_("The committee already has a plan with this code name."),
            )
        ]

    def __str__(self) -> str:
        return self.code_name

    def get_absolute_url(self) -> str:
        return reverse("sites:plan_detail", kwargs={"pk": self.pk})

    def scenario_labels(self) -> list[str]:
        labels = dict(ScenarioType.choices)
        return [str(labels.get(s, s)) for s in self.scenario_types]


class PlanVersionQuerySet(models.QuerySet["PlanVersion"]):
    def visible_to(self, user: Viewer) -> PlanVersionQuerySet:
        """A version is seen with its plan."""
        return self.filter(plan__in=Plan.objects.visible_to(user).values("pk"))


class PlanVersion(models.Model):
    """One version of a plan, with its structured sections and its approval."""

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=20, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    situation = models.TextField(_("situation and scenario"), blank=True)
    command = models.TextField(_("command and control"), blank=True)
    forces = models.TextField(_("forces and tasks by agency"), blank=True)
    communications = models.TextField(_("communications"), blank=True)
    cordon = models.TextField(_("cordon and evacuation"), blank=True)
    medical = models.TextField(_("medical"), blank=True)
    public_information = models.TextField(_("public information"), blank=True)
    recovery = models.TextField(_("recovery"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    author_label = models.CharField(_("author"), max_length=200)
    created_at = models.DateTimeField(_("created at"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last edited by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_by_label = models.CharField(_("approved by"), max_length=200, blank=True)
    decision_number = models.CharField(_("decision number"), max_length=60, blank=True)
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    comments = models.TextField(_("comments"), blank=True)

    objects = PlanVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("plan version")
        verbose_name_plural = _("plan versions")
        ordering = ["plan", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "number"],
                name="sites_version_number_unique",
                violation_error_message=_("This version of the plan already exists."),
            ),
            models.UniqueConstraint(
                fields=["plan"],
                condition=Q(status__in=["draft", "submitted"]),
                name="sites_one_open_version",
                violation_error_message=_(
                    "The plan already has a version in preparation: finish it first."
                ),
            ),
            models.UniqueConstraint(
                fields=["plan"],
                condition=Q(status="approved"),
                name="sites_one_version_in_force",
                violation_error_message=_("Only one version of a plan is in force."),
            ),
            models.CheckConstraint(
                condition=~Q(status="approved")
                | (Q(approved_on__isnull=False) & ~Q(decision_number="")),
                name="sites_approved_has_decision",
                violation_error_message=_(
                    "An approved version needs a decision number and a date."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan} v{self.number}"

    def get_absolute_url(self) -> str:
        return reverse("sites:plan_detail", kwargs={"pk": self.plan_id})

    @property
    def classification(self) -> int:
        """A version is classified as its plan (audited views read this)."""
        return int(self.plan.classification)

    @property
    def owning_committee_id(self) -> int:
        return int(self.plan.owning_committee_id)

    def sections(self) -> list[tuple[Any, str]]:
        return [(label, getattr(self, name)) for name, label in SECTIONS]


class RiskAssessmentQuerySet(models.QuerySet["RiskAssessment"]):
    def visible_to(self, user: Viewer) -> RiskAssessmentQuerySet:
        """An assessment is seen with its site."""
        return self.filter(site__in=KeySite.objects.visible_to(user).values("pk"))


class RiskAssessment(models.Model):
    """One assessment of a site: threat, vulnerability and consequence on 1–5 scales;
    the risk is their product (1–125). Assessments are kept: they are the history."""

    site = models.ForeignKey(
        KeySite, verbose_name=_("site"), on_delete=models.PROTECT, related_name="assessments"
    )
    threat = models.PositiveSmallIntegerField(_("threat"))
    vulnerability = models.PositiveSmallIntegerField(_("vulnerability"))
    consequence = models.PositiveSmallIntegerField(_("consequence"))
    threat_rationale = models.TextField(_("why this threat"))
    vulnerability_rationale = models.TextField(_("why this vulnerability"))
    consequence_rationale = models.TextField(_("why this consequence"))
    risk = models.PositiveSmallIntegerField(_("risk (T × V × C)"))
    assessor_agency = models.ForeignKey(
        "org.Agency",
        verbose_name=_("assessor agency"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    assessed_on = models.DateField(_("assessed on"))
    author_label = models.CharField(_("recorded by"), max_length=200)
    created_at = models.DateTimeField(_("created at"))

    objects = RiskAssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("risk assessment")
        verbose_name_plural = _("risk assessments")
        ordering = ["site", "-assessed_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(threat__gte=1, threat__lte=5)
                & Q(vulnerability__gte=1, vulnerability__lte=5)
                & Q(consequence__gte=1, consequence__lte=5),
                name="sites_assessment_scales",
                violation_error_message=_(
                    "Threat, vulnerability and consequence are numbers from 1 to 5."
                ),
            ),
            models.CheckConstraint(
                condition=Q(risk=F("threat") * F("vulnerability") * F("consequence")),
                name="sites_assessment_risk_product",
                violation_error_message=_("The risk is threat × vulnerability × consequence."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.site} {self.assessed_on:%d/%m/%Y}: {self.risk}"

    @property
    def classification(self) -> int:
        return int(self.site.classification)

    @property
    def owning_committee_id(self) -> int:
        return int(self.site.owning_committee_id)
