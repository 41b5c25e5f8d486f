"""Commendations (*thi đua, khen thưởng*; Law 06/2022/QH15, Decree 98/2023/NĐ-CP):
proposals for a collective (an agency, a commune's committee) or an individual (name,
position and unit only: no other personal data), each tied to evidence in Vigil
(tasks done on time, drill ratings, incident response, reports on time) that the
proposal lists; the form, and the authority that grants it; proposed → reviewed by
the standing office → decided (decision number and date) or refused."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from vigil.org.scope import Owned, OwnedQuerySet


class CommendationKind(models.TextChoices):
    YEARLY = "yearly", _("Yearly (for the year's results)")
    TOPIC = "topic", _("By campaign or topic")
    UNSCHEDULED = "unscheduled", _("Unscheduled (đột xuất)")


class CommendationForm(models.TextChoices):
    BANG_KHEN = "bang_khen", _("Certificate of merit (Bằng khen)")
    GIAY_KHEN = "giay_khen", _("Certificate of commendation (Giấy khen)")


class Authority(models.TextChoices):
    """Who grants each form (Decree 98/2023): a Bằng khen of the provincial chairman
    or a minister, a Giấy khen of a department head, a commune chairman or the
    committee's head."""

    PROVINCE_CHAIRMAN = "province_chairman", _("Chairman of the Provincial People's Committee")
    MINISTER = "minister", _("Minister of Public Security")
    COMMITTEE_HEAD = "committee_head", _("Head of the Steering Committee")
    POLICE_DIRECTOR = "police_director", _("Director of the Provincial Police")
    COMMUNE_CHAIRMAN = "commune_chairman", _("Chairman of the commune People's Committee")


# The authorities that may grant each form.
AUTHORITIES_OF: dict[str, tuple[str, ...]] = {
    CommendationForm.BANG_KHEN: (Authority.PROVINCE_CHAIRMAN, Authority.MINISTER),
    CommendationForm.GIAY_KHEN: (
        Authority.COMMITTEE_HEAD, Authority.POLICE_DIRECTOR, Authority.COMMUNE_CHAIRMAN,
    ),
}  # fmt: skip


class RecipientKind(models.TextChoices):
    COLLECTIVE = "collective", _("Collective")
    INDIVIDUAL = "individual", _("Individual")


class CommendationState(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    REVIEWED = "reviewed", _("Reviewed by the standing office")
    DECIDED = "decided", _("Decided")
    REFUSED = "refused", _("Refused")


class Commendation(Owned):
    """One proposal. The owning agency proposes it; a collective recipient is an
    agency (``recipient_agency``) or a committee (``recipient_committee``: a commune);
    an individual is ``person_name``, ``person_position`` and ``person_unit`` only.

    ``evidence`` lists what in Vigil shows the achievement, as the proposer saw it:
    ``[{"kind", "label", "url", "figure"}]`` (see ``commendations.evidence``)."""

    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("kind"), max_length=20, choices=CommendationKind.choices)
    form = models.CharField(_("form"), max_length=20, choices=CommendationForm.choices)
    authority = models.CharField(_("granting authority"), max_length=30, choices=Authority.choices)
    recipient_kind = models.CharField(_("recipient"), max_length=20, choices=RecipientKind.choices)
    recipient_agency = models.ForeignKey(
        "org.Agency",
        verbose_name=_("agency commended"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recipient_committee = models.ForeignKey(
        "org.Committee",
        verbose_name=_("committee commended"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    person_name = models.CharField(_("full name"), max_length=200, blank=True)
    person_position = models.CharField(_("position"), max_length=200, blank=True)
    person_unit = models.CharField(_("unit"), max_length=300, blank=True)
    achievement = models.TextField(_("achievement"))
    evidence = models.JSONField(_("evidence"), default=list)
    state = models.CharField(
        _("state"), max_length=20, choices=CommendationState.choices,
        default=CommendationState.PROPOSED,
    )  # fmt: skip
    version = models.PositiveIntegerField(_("version"), default=1)
    proposed_at = models.DateTimeField(_("proposed at"))
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    review_note = models.TextField(_("review note"), blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decision_number = models.CharField(_("decision number"), max_length=80, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    refusal_reason = models.TextField(_("why it was refused"), blank=True)

    objects = OwnedQuerySet.as_manager()
    scope_agency_fields: ClassVar[tuple[str, ...]] = ("shared_agencies", "recipient_agency")
    scope_committee_fields: ClassVar[tuple[str, ...]] = (
        "shared_committees", "recipient_committee",
    )  # fmt: skip

    class Meta:
        verbose_name = _("commendation")
        verbose_name_plural = _("commendations")
        ordering = ["-year", "state", "-pk"]
        indexes = [
            models.Index(
                fields=["owning_committee", "year", "state"], name="reports_commendation_year_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(recipient_kind="collective", person_name="")
                    & (Q(recipient_agency__isnull=False) | Q(recipient_committee__isnull=False))
                )
                | (
                    Q(
                        recipient_kind="individual",
                        recipient_agency__isnull=True,
                        recipient_committee__isnull=True,
                    )
                    & ~Q(person_name="")
                ),
                name="reports_commendation_one_recipient",
                violation_error_message=_(
                    "A collective is an agency or a committee; an individual has a name "
                    "(with position and unit) and nothing else."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(state="decided")
                | (~Q(decision_number="") & Q(decision_date__isnull=False)),
                name="reports_decided_commendation_has_decision",
                violation_error_message=_("A decided commendation has a decision number and date."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_form_display()}: {self.recipient_label}"

    def get_absolute_url(self) -> str:
        return reverse("reports:commendation_detail", args=[self.pk])

    @property
    def recipient_label(self) -> str:
        if self.recipient_kind == RecipientKind.INDIVIDUAL:
            parts = [self.person_name, self.person_position, self.person_unit]
            return ", ".join(p for p in parts if p)
        if self.recipient_agency_id:
            return str(self.recipient_agency)
        return str(self.recipient_committee)
