"""Use cases of incidents: report (or open, from another app), change, move along
the lifecycle, add a situation update. Every write: permission, validation, one
transaction, the audit event last in it. People are counts, never records.

Who may:

- report: a member of an agency of the committee or of one below it (the agency's
  own committee, or a committee it is a member agency of), or the standing office
  or a leader of the committee or of one above it; Vigil itself (a stock count that
  finds a shortage) through ``open_incident_within``;
- verify, declare a false alarm, close, change the classification: the standing
  office or a leader of the owning committee (or one above it);
- start or end the response (responding, contained), change the details, add
  updates: those, and the reporting and owning agency's members (updates also the
  agencies involved).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from vigil.core import attachments, audit, clock
from vigil.core.audit import Actor
from vigil.core.coordinates import LAT_MAX, LAT_MIN, LON_MAX, LON_MIN, PAIRED_MESSAGE, coordinate
from vigil.core.models import AdminUnit
from vigil.core.search import fold
from vigil.inbox.models import Kind
from vigil.inbox.services import CommitteeRole, notify
from vigil.org.models import Agency, Committee, MemberAgency, Role
from vigil.org.scope import Viewer, check_clearance, committees_with_role, scope_for
from vigil.sites.models import KeySite
from vigil.situation.incidents.models import (
    TRANSITIONS,
    Incident,
    IncidentEvent,
    IncidentState,
    IncidentType,
    TimelineEntry,
)
from vigil.situation.models import SituationAction
from vigil.situation.services import HANDLERS, handles_situation
from vigil.situation.terms import Certainty, Severity, Urgency

S = IncidentState
# Roles that do not report (an auditor checks, a storekeeper keeps a store, an
# administrator manages accounts).
NOT_REPORTING = (Role.AUDITOR, Role.STOREKEEPER, Role.ADMINISTRATOR)
# The moves only the committee's standing office or leaders make.
COMMITTEE_MOVES = frozenset({S.VERIFIED, S.FALSE_ALARM, S.CLOSED})
# What ``change_incident`` may change.
DETAIL_FIELDS = (
    "title", "type", "description", "severity", "urgency", "certainty", "occurred_at",
    "site", "commune", "place", "latitude", "longitude", "dead", "injured", "evacuated",
    "forces", "measures", "classification", "involved_agencies",
)  # fmt: skip
COUNTS = ("dead", "injured", "evacuated")
# A clock a few minutes fast on the reporter's phone is not a report from the future.
FUTURE_SLACK = dt.timedelta(minutes=10)


# --- who may


def keeps_incidents(user: Viewer, committee: Committee) -> bool:
    """The standing office or a leader of ``committee`` (or of one above it)."""
    return handles_situation(user, committee)


def _reporting_agency_ids(user: Viewer) -> set[int]:
    scope = scope_for(user)
    return {agency for role, agency, _c, _p in scope.roles if role not in NOT_REPORTING}


def reporting_agencies(user: Viewer, committee: Committee) -> QuerySet[Agency]:
    """The agencies ``user`` may report for to ``committee``: their own agencies of the
    committee or of one below it; any of their agencies for the committee's keepers;
    every agency for Vigil itself."""
    scope = scope_for(user)
    if scope.everything:
        return Agency.objects.all()
    own = Agency.objects.filter(pk__in=_reporting_agency_ids(user))
    if keeps_incidents(user, committee):
        return own
    members = MemberAgency.objects.filter(
        MemberAgency.current_on(clock.today()), committee__path__startswith=committee.path
    ).values("agency_id")
    return own.filter(Q(committee__path__startswith=committee.path) | Q(pk__in=members))


def reporting_committees(user: Viewer) -> QuerySet[Committee]:
    """The committees ``user`` may report an incident to (the report form's choice)."""
    scope = scope_for(user)
    if scope.everything:
        return Committee.objects.all()
    ids = _reporting_agency_ids(user)
    today = clock.today()
    homes = {
        *Agency.objects.filter(pk__in=ids, committee__isnull=False).values_list(
            "committee__path", flat=True
        ),
        *MemberAgency.objects.filter(MemberAgency.current_on(today), agency_id__in=ids)
        .values_list("committee__path", flat=True),
    }  # fmt: skip
    ancestors = {path[:end] for path in homes for end in range(1, len(path) + 1)}
    kept = committees_with_role(user, *HANDLERS)
    return Committee.objects.filter(Q(path__in=ancestors) | Q(pk__in=kept)).order_by("path")


def may_report(user: Viewer, committee: Committee) -> bool:
    return reporting_agencies(user, committee).exists()


def _agency_member(user: Viewer, agency_ids: Iterable[int | None]) -> bool:
    mine = _reporting_agency_ids(user)
    return any(agency in mine for agency in agency_ids if agency is not None)


def may_change(user: Viewer, incident: Incident) -> bool:
    """Change the details: the keepers, the reporting and owning agency, while open."""
    if not incident.is_open:
        return False
    return keeps_incidents(user, incident.owning_committee) or _agency_member(
        user, (incident.reporting_agency_id, incident.owning_agency_id)
    )


def may_move(user: Viewer, incident: Incident, to_state: str) -> bool:
    if to_state not in TRANSITIONS.get(incident.state, ()):
        return False
    if keeps_incidents(user, incident.owning_committee):
        return True
    return to_state not in COMMITTEE_MOVES and _agency_member(
        user, (incident.reporting_agency_id, incident.owning_agency_id)
    )


def moves_for(user: Viewer, incident: Incident) -> list[str]:
    """The states ``user`` may move ``incident`` to now (the page's buttons)."""
    return [
        state for state in TRANSITIONS.get(incident.state, ()) if may_move(user, incident, state)
    ]


def may_add_update(user: Viewer, incident: Incident) -> bool:
    """Add a situation update: the keepers, the reporting, owning and involved agencies."""
    if not incident.is_open:
        return False
    if keeps_incidents(user, incident.owning_committee):
        return True
    involved = incident.involved_agencies.values_list("pk", flat=True)
    return _agency_member(
        user, (incident.reporting_agency_id, incident.owning_agency_id, *involved)
    )


def may_attach_to_entry(user: Any, entry: TimelineEntry) -> bool:
    """Files go with an update; a file added later comes from those who add updates."""
    return may_add_update(user, entry.incident)


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


# --- validation


def _choice(incident: Incident, name: str, choices: Any, message: str) -> None:
    if getattr(incident, name) not in choices.values:
        raise ValidationError({name: message})


def _check(incident: Incident, actor: Actor, *, new_site: bool = True) -> None:
    """Every rule of a report or a change, before anything is written. A site newly
    chosen must be one the actor sees; one kept from before stays as it was."""
    incident.title = (incident.title or "").strip()
    if not incident.title:
        raise ValidationError({"title": _("Give the incident a title.")})
    _choice(incident, "type", IncidentType, _("Choose a type of incident."))
    _choice(incident, "severity", Severity, _("Choose a severity."))
    _choice(incident, "urgency", Urgency, _("Choose an urgency."))
    _choice(incident, "certainty", Certainty, _("Choose a certainty."))
    for name in COUNTS:
        value = getattr(incident, name)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise ValidationError({name: _("Give a count: a whole number, zero or more.")})
    if not isinstance(incident.occurred_at, dt.datetime):
        raise ValidationError({"occurred_at": _("Give the time it happened.")})
    if incident.occurred_at > clock.now() + FUTURE_SLACK:
        raise ValidationError({"occurred_at": _("An incident cannot have happened in the future.")})
    site = incident.site
    if (new_site and site is not None
            and not KeySite.objects.visible_to(actor).filter(pk=site.pk).exists()):  # fmt: skip
        raise ValidationError({"site": _("Choose a key site you can see.")})
    communes = {AdminUnit.Kind.COMMUNE, AdminUnit.Kind.WARD, AdminUnit.Kind.SPECIAL_ZONE}
    if incident.commune is not None and incident.commune.kind not in communes:
        raise ValidationError({"commune": _("Choose a commune, ward or special zone.")})
    if site is not None and incident.commune is None:
        incident.commune = site.commune
    incident.latitude = coordinate(incident.latitude, LAT_MIN, LAT_MAX, "latitude",
                                    _("The latitude must lie inside Vietnam: from 6.0 to 23.5 degrees north."))  # fmt: skip
    incident.longitude = coordinate(incident.longitude, LON_MIN, LON_MAX, "longitude",
                                     _("The longitude must lie inside Vietnam: from 102.0 to 118.0 degrees east."))  # fmt: skip
    if (incident.latitude is None) != (incident.longitude is None):
        raise ValidationError(
            {"longitude" if incident.longitude is None else "latitude":
             PAIRED_MESSAGE}
        )  # fmt: skip
    if site is not None and incident.latitude is None and site.latitude is not None:
        incident.latitude, incident.longitude = site.latitude, site.longitude
    if site is None and incident.commune is None:
        raise ValidationError({"site": _("Say where it happened: a key site or a commune.")})
    if site is not None:
        # An incident at a classified site tells where it is: at least as classified.
        incident.classification = max(int(incident.classification), site.classification)
    incident.text_folded = fold(f"{incident.title} {incident.place} {incident.description}")


def _involved(agencies: Iterable[Agency] | None) -> list[Agency]:
    chosen = list(dict.fromkeys(agencies or ()))
    for agency in chosen:
        if agency.kind == Agency.Kind.LICENSED_ORGANISATION:
            raise ValidationError(
                {"involved_agencies": _("A licensed organisation is not an agency involved.")}
            )
    return chosen


def _snapshot(incident: Incident) -> dict[str, Any]:
    return audit.snapshot(incident, [*DETAIL_FIELDS[:-1], "state", "is_exercise"])


# --- report


def open_incident_within(
    committee: Committee,
    *,
    actor: Actor,
    reporting_agency: Agency | None = None,
    title: str,
    type: str,
    occurred_at: dt.datetime | None = None,
    involved_agencies: Iterable[Agency] | None = None,
    shared_agencies: Iterable[Agency] = (),
    is_exercise: bool = False,
    classification: int = 0,
    **fields: Any,
) -> Incident:
    """Open an incident of ``committee`` inside the caller's transaction.

    Another app calls this in its own transaction (a stock count that finds explosives
    missing, acting as a ``SystemActor``); a person's report goes through
    ``report_incident``. ``fields``: description, severity, urgency, certainty, site,
    commune, place, latitude, longitude, dead, injured, evacuated, forces, measures.
    The reporting agency is the owning agency; without one, the agency the actor
    reports for (their only one there) or, for Vigil, the committee's standing agency.
    """
    allowed = reporting_agencies(actor, committee)
    if reporting_agency is None:
        reporting_agency = _default_agency(actor, committee, allowed)
    _require(
        allowed.filter(pk=reporting_agency.pk).exists(),
        _("You may report incidents only for your own agency, to its committee or one above it."),
    )
    unknown = set(fields) - set(DETAIL_FIELDS)
    if unknown:
        raise ValueError(f"not an incident field: {sorted(unknown)}")
    check_clearance(actor, int(classification))
    now = clock.now()
    incident = Incident(
        owning_committee=committee, owning_agency=reporting_agency,
        reporting_agency=reporting_agency, title=title, type=type,
        occurred_at=occurred_at or now, reported_at=now, is_exercise=bool(is_exercise),
        classification=classification, created_by=audit.acting_user(actor), **fields,
    )  # fmt: skip
    involved = _involved(involved_agencies)
    _check(incident, actor)
    incident.full_clean(exclude=["text_folded", "shared_agencies", "involved_agencies"])
    incident.save()
    incident.involved_agencies.set(involved)
    incident.shared_agencies.set(list(shared_agencies))
    IncidentEvent.objects.create(
        incident=incident, from_state="", to_state=S.REPORTED, at=now,
        actor=audit.acting_user(actor), actor_label=audit.actor_label(actor),
    )  # fmt: skip
    mark = _("[EXERCISE] ") if incident.is_exercise else ""
    notify(
        CommitteeRole(committee, Role.STANDING_OFFICE),
        _("%(mark)sIncident reported: %(title)s") % {"mark": mark, "title": incident.title},
        about=incident, kind=Kind.ALERT, url=incident.get_absolute_url(),
        classification=incident.classification, committee=committee,
    )  # fmt: skip
    audit.record(SituationAction.INCIDENT_REPORTED, actor=actor, obj=incident,
                 after={**_snapshot(incident), "involved_agencies": [a.pk for a in involved]},
                 committee_id=committee.pk)  # fmt: skip
    return incident


def _default_agency(actor: Actor, committee: Committee, allowed: QuerySet[Agency]) -> Agency:
    if scope_for(actor).everything:
        if committee.standing_agency is None:
            raise ValidationError(_("The committee has no standing agency to keep the incident."))
        return committee.standing_agency
    choices = list(allowed[:2])
    if len(choices) == 1:
        return choices[0]
    if not choices:
        raise PermissionDenied(_("You may not report incidents to this committee."))
    raise ValidationError({"reporting_agency": _("Choose the agency you report for.")})


# The use case of another app that holds no transaction of its own.
open_incident = transaction.atomic(durable=True)(open_incident_within)


@transaction.atomic(durable=True)
def report_incident(
    committee: Committee, *, actor: Actor, reporting_agency: Agency | None = None, **fields: Any
) -> Incident:
    """A person reports an incident to ``committee`` (a page, the API, the command)."""
    return open_incident_within(committee, actor=actor, reporting_agency=reporting_agency, **fields)


# --- change


@transaction.atomic(durable=True)
def change_incident(incident: Incident, *, actor: Actor, **changes: Any) -> Incident:
    """Change what is known: details, counts, forces, measures, agencies involved."""
    incident = (
        Incident.objects.select_for_update(of=("self",))
        .select_related("owning_committee", "site")
        .get(pk=incident.pk)
    )
    _require(may_change(actor, incident), _("You may not change this incident."))
    unknown = set(changes) - set(DETAIL_FIELDS)
    if unknown:
        raise ValueError(f"not an incident field: {sorted(unknown)}")
    before = _snapshot(incident)
    before["involved_agencies"] = sorted(incident.involved_agencies.values_list("pk", flat=True))
    if "classification" in changes and int(changes["classification"]) != incident.classification:
        if not keeps_incidents(actor, incident.owning_committee):
            raise ValidationError({"classification": _(
                "Only the standing office may change an incident's classification.")})  # fmt: skip
        check_clearance(actor, int(changes["classification"]))
    involved = changes.pop("involved_agencies", None)
    new_site = "site" in changes and changes["site"] != incident.site
    if new_site:  # the place follows the new site unless it is given too
        for name in ("commune", "latitude", "longitude"):
            changes.setdefault(name, None)
    for name, value in changes.items():
        setattr(incident, name, value)
    chosen = _involved(involved) if involved is not None else None
    _check(incident, actor, new_site=new_site)
    incident.full_clean(exclude=["text_folded", "shared_agencies", "involved_agencies"])
    incident.save()
    if chosen is not None:
        incident.involved_agencies.set(chosen)
    after = _snapshot(incident)
    after["involved_agencies"] = sorted(incident.involved_agencies.values_list("pk", flat=True))
    audit.record(SituationAction.INCIDENT_CHANGED, actor=actor, obj=incident, before=before,
                 after=after, classification=max(int(before["classification"]),
                                                  incident.classification))  # fmt: skip
    return incident


# --- the lifecycle


def move_within(incident: Incident, to_state: str, *, actor: Actor, note: str = "") -> Incident:
    """``move`` inside the caller's transaction."""
    incident = (
        Incident.objects.select_for_update(of=("self",))
        .select_related("owning_committee")
        .get(pk=incident.pk)
    )
    if to_state not in S.values:
        raise ValidationError({"to_state": _("Unknown state.")})
    if to_state not in TRANSITIONS[incident.state]:
        raise ValidationError(
            {"to_state": _("An incident that is %(state)s cannot become %(to)s.")
             % {"state": S(incident.state).label.lower(), "to": S(to_state).label.lower()}},
            code="invalid_transition",
        )  # fmt: skip
    _require(
        may_move(actor, incident, to_state), _("You may not move this incident to that state.")
    )
    now = clock.now()
    before = {"state": incident.state}
    from_state = incident.state
    incident.state = to_state
    fields = ["state"]
    if to_state == S.VERIFIED and incident.verified_at is None:
        incident.verified_at = now
        fields.append("verified_at")
    if to_state in (S.CLOSED, S.FALSE_ALARM):
        incident.closed_at = now
        fields.append("closed_at")
    incident.save(update_fields=fields)
    IncidentEvent.objects.create(
        incident=incident, from_state=from_state, to_state=to_state, at=now,
        actor=audit.acting_user(actor), actor_label=audit.actor_label(actor), note=note.strip(),
    )  # fmt: skip
    if to_state == S.VERIFIED:
        recipients = list(incident.involved_agencies.all())
        if recipients:
            mark = _("[EXERCISE] ") if incident.is_exercise else ""
            notify(recipients, _("%(mark)sIncident verified: %(title)s")
                   % {"mark": mark, "title": incident.title}, about=incident, kind=Kind.ALERT,
                   url=incident.get_absolute_url(), classification=incident.classification,
                   committee=incident.owning_committee)  # fmt: skip
    audit.record(SituationAction.INCIDENT_MOVED, actor=actor, obj=incident, before=before,
                 after={"state": to_state, "note": note.strip()})  # fmt: skip
    return incident


move = transaction.atomic(durable=True)(move_within)


# --- the timeline


def add_update_within(
    incident: Incident, text: str, *, actor: Actor, files: Iterable[Any] = (),
    agency: Agency | None = None,
) -> TimelineEntry:  # fmt: skip
    """A situation update, with its files (attachments of the entry); ``agency``: the
    agency it speaks for (by default the actor's reporting or owning agency)."""
    incident = Incident.objects.select_related("owning_committee").get(pk=incident.pk)
    _require(may_add_update(actor, incident), _("You may not add updates to this incident."))
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write what is new.")})
    if agency is None:
        mine = _reporting_agency_ids(actor)
        for candidate in (incident.reporting_agency_id, incident.owning_agency_id):
            if candidate in mine:
                agency = Agency.objects.get(pk=candidate)
                break
    entry = TimelineEntry.objects.create(
        incident=incident, at=clock.now(), text=text, author=audit.acting_user(actor),
        author_label=audit.actor_label(actor), agency=agency,
    )  # fmt: skip
    saved = [attachments.attach(entry, f, actor=actor) for f in files]
    audit.record(SituationAction.TIMELINE_ADDED, actor=actor, obj=incident,
                 after={"entry": entry.pk, "text": text,
                        "attachments": [a.pk for a in saved]})  # fmt: skip
    return entry


add_update = transaction.atomic(durable=True)(add_update_within)
