"""Incidents at places: what happened, where and when, graded as CAP grades an event.

An incident is owned like every domain object (``Owned``): the committee of the
area it happened in and the agency that keeps its record; the reporting agency
and the agencies involved see it too. It moves reported → verified → responding
→ contained → closed, or ends as a false alarm; each move is an
``IncidentEvent`` (append-only) and each situation update a ``TimelineEntry``
(append-only; its files are attachments).

No field describes a person: people enter only as counts (casualties,
evacuated), never as records.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
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
from vigil.core.models import AppendOnly
from vigil.org.scope import Owned, OwnedQuerySet
from vigil.situation.terms import Certainty, Severity, Urgency


class IncidentType(models.TextChoices):
    BOMB_THREAT = "bomb_threat", _("Bomb threat")
    EXPLOSION = "explosion", _("Explosion")
    TERRORIST_INCIDENT = "terrorist_incident", _("Terrorist incident")
    ACTIVE_SHOOTER = "active_shooter", _("Active shooter")
    HOSTAGE = "hostage", _("Hostage taking")
    HIJACKING = "hijacking", _("Hijacking")
    SUSPICIOUS_OBJECT = "suspicious_object", _("Suspicious object")
    ARSON = "arson", _("Arson")
    DRONE_INTRUSION = "drone_intrusion", _("Drone intrusion")
    CYBER_ATTACK = "cyber_attack", _("Cyber attack on critical systems")
    EXPLOSIVES_LOSS = "explosives_loss", _("Loss or theft of explosives or weapons")
    OTHER = "other", _("Other")


class IncidentState(models.TextChoices):
    REPORTED = "reported", _("Reported")
    VERIFIED = "verified", _("Verified")
    RESPONDING = "responding", _("Responding")
    CONTAINED = "contained", _("Contained")
    CLOSED = "closed", _("Closed")
    FALSE_ALARM = "false_alarm", _("False alarm")


S = IncidentState
# The lifecycle: from each state, the states it may move to.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    S.REPORTED: (S.VERIFIED, S.FALSE_ALARM),
    S.VERIFIED: (S.RESPONDING, S.CONTAINED, S.CLOSED, S.FALSE_ALARM),
    S.RESPONDING: (S.CONTAINED, S.CLOSED),
    S.CONTAINED: (S.RESPONDING, S.CLOSED),
    S.CLOSED: (),
    S.FALSE_ALARM: (),
}
OPEN_STATES = (S.REPORTED, S.VERIFIED, S.RESPONDING, S.CONTAINED)


class Incident(Owned):
    """Something that happened at a place, and the committee's handling of it."""

    title = models.CharField(_("title"), max_length=300)
    type = models.CharField(_("type"), max_length=30, choices=IncidentType.choices)
    description = models.TextField(_("what happened"), blank=True)
    severity = models.CharField(
        _("severity"), max_length=10, choices=Severity.choices, default=Severity.UNKNOWN
    )
    urgency = models.CharField(
        _("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.UNKNOWN
    )
    certainty = models.CharField(
        _("certainty"), max_length=10, choices=Certainty.choices, default=Certainty.UNKNOWN
    )
    occurred_at = models.DateTimeField(_("occurred at"))
    reported_at = models.DateTimeField(_("reported at"))
    # Where: a key site, or a commune (with coordinates when known).
    site = models.ForeignKey(
        "sites.KeySite",
        verbose_name=_("key site"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
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
    place = models.CharField(_("place"), max_length=300, blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    reporting_agency = models.ForeignKey(
        "org.Agency", verbose_name=_("reporting agency"), on_delete=models.PROTECT, related_name="+"
    )
    involved_agencies = models.ManyToManyField(
        "org.Agency", verbose_name=_("agencies involved"), blank=True, related_name="+"
    )
    state = models.CharField(
        _("state"), max_length=20, choices=IncidentState.choices, default=IncidentState.REPORTED
    )
    # People only as counts.
    dead = models.PositiveIntegerField(_("dead"), default=0)
    injured = models.PositiveIntegerField(_("injured"), default=0)
    evacuated = models.PositiveIntegerField(_("evacuated"), default=0)
    forces = models.TextField(_("forces deployed"), blank=True)
    measures = models.TextField(_("measures taken"), blank=True)
    is_exercise = models.BooleanField(_("exercise"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # The title, place and description folded (``vigil.core.search.fold``): the list's
    # search, diacritics optional. The services write it with the text it folds.
    text_folded = models.TextField(editable=False, default="")

    objects = OwnedQuerySet.as_manager()

    scope_agency_fields: ClassVar[tuple[str, ...]] = (
        "shared_agencies",
        "reporting_agency",
        "involved_agencies",
    )

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        ordering = ["-occurred_at", "-pk"]
        indexes = [models.Index(fields=["owning_committee", "state"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True)
                | Q(latitude__gte=LAT_MIN, latitude__lte=LAT_MAX),
                name="situation_incident_latitude_in_vietnam",
                violation_error_message=LATITUDE_MESSAGE,
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True)
                | Q(longitude__gte=LON_MIN, longitude__lte=LON_MAX),
                name="situation_incident_longitude_in_vietnam",
                violation_error_message=LONGITUDE_MESSAGE,
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="situation_incident_coordinates_paired",
                violation_error_message=PAIRED_MESSAGE,
            ),
            models.CheckConstraint(
                condition=Q(state__in=IncidentState.values),
                name="situation_incident_state_known",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("situation:incident_detail", kwargs={"pk": self.pk})

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


class IncidentEvent(AppendOnly):
    """One move of an incident's state: who, when, from what to what."""

    incident = models.ForeignKey(
        Incident, verbose_name=_("incident"), on_delete=models.PROTECT, related_name="events"
    )
    from_state = models.CharField(
        _("from"), max_length=20, choices=IncidentState.choices, blank=True
    )
    to_state = models.CharField(_("to"), max_length=20, choices=IncidentState.choices)
    at = models.DateTimeField(_("time"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_label = models.CharField(_("by"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("incident event")
        verbose_name_plural = _("incident events")
        ordering = ["at", "pk"]


class TimelineQuerySet(models.QuerySet["TimelineEntry"]):
    def visible_to(self, user: Any) -> TimelineQuerySet:
        """Exactly the entries of the incidents ``user`` sees (the attachments of an
        entry are found through it, so a file is as visible as its incident)."""
        return self.filter(incident__in=Incident.objects.visible_to(user).values("pk"))


class TimelineEntry(AppendOnly):
    """A situation update on an incident; its files are attachments of the entry."""

    incident = models.ForeignKey(
        Incident, verbose_name=_("incident"), on_delete=models.PROTECT, related_name="timeline"
    )
    at = models.DateTimeField(_("time"))
    text = models.TextField(_("update"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    author_label = models.CharField(_("by"), max_length=200, blank=True)
    agency = models.ForeignKey(
        "org.Agency",
        verbose_name=_("agency"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = TimelineQuerySet.as_manager()

    class Meta:
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline entries")
        ordering = ["at", "pk"]

    def get_absolute_url(self) -> str:
        return self.incident.get_absolute_url()

    @property
    def classification(self) -> int:
        return self.incident.classification

    @property
    def owning_committee_id(self) -> int:
        """The incident's committee: an attachment's audit reaches its auditors."""
        return self.incident.owning_committee_id


class UrgencyMark(models.TextChoices):
    """The urgency printed on a flash report (Decree 30: *Hỏa tốc*, *Thượng khẩn*)."""

    HOA_TOC = "hoa_toc", _("Hỏa tốc (most urgent)")
    THUONG_KHAN = "thuong_khan", _("Thượng khẩn (very urgent)")
    KHAN = "khan", _("Khẩn (urgent)")


class FlashReport(models.Model):
    """A flash report (*báo cáo nhanh*) on an incident: numbered once, its content
    frozen at issue, so the .docx and the edXML package print what was sent."""

    incident = models.ForeignKey(
        Incident, verbose_name=_("incident"), on_delete=models.PROTECT, related_name="flash_reports"
    )
    number = models.ForeignKey(
        "core.IssuedNumber",
        verbose_name=_("number"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    symbol = models.CharField(_("number and symbol"), max_length=60)
    urgency_mark = models.CharField(
        _("urgency"), max_length=20, choices=UrgencyMark.choices, default=UrgencyMark.HOA_TOC
    )
    classification = models.PositiveSmallIntegerField(_("classification"), default=0)
    is_exercise = models.BooleanField(_("exercise"), default=False)
    issued_at = models.DateTimeField(_("issued at"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    signer_title = models.CharField(_("signer's title"), max_length=200, blank=True)
    signer_name = models.CharField(_("signer's name"), max_length=200, blank=True)
    recipients = models.JSONField(_("recipients"), default=list)
    content = models.JSONField(_("content"), default=dict)

    class Meta:
        verbose_name = _("flash report")
        verbose_name_plural = _("flash reports")
        ordering = ["-issued_at", "-pk"]

    def __str__(self) -> str:
        return self.symbol
