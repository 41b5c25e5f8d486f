"""Our incident types as the OASIS Event Terms List for CAP 1.2 names them.

An alert's ``<eventCode>`` carries two codes:

- ``OET:v1.2`` (the value name the OASIS list gives its codes in CAP 1.2), with
  the alert's ``event_code`` when its drafter (or the CAP file it was imported
  from) gave one;
- ``VIGIL_TYPE`` with our own incident type, for every incident the alert links,
  so a Vigil on the other side reads the type without a table.

``TERMS`` maps each ``IncidentType`` to a term and, where the OASIS list has a
term for the same kind of event, that term as the list writes it and its code
(``OET-nnn``). A type without such a term has ``code = ""`` and our own English
name: Vigil then writes no OASIS code rather than a stretched one (the nearest
OASIS term is named beside it, for whoever decides otherwise).

Source of the codes: the OASIS Event Terms List for use with CAP 1.2 (Committee
Note 01, 19 November 2020, docs.oasis-open.org/emergency/cap-etl/v1.2/), as the
``cap-oet`` package (0.1.0, the one DESIGN.md names) transcribes its 224 terms,
OET-000 "other event" to OET-223 "winter weather". The numbering agrees with
CAP messages published by national warning services (OET-004 air quality,
OET-081 flood, OET-194 thunderstorm, OET-218 wind). Check a code against the
OASIS lookup table itself before adding one.
"""

from __future__ import annotations

from dataclasses import dataclass

from vigil.situation.incidents.models import IncidentType

OET_VALUE_NAME = "OET:v1.2"
VIGIL_TYPE = "VIGIL:incident-type"


@dataclass(frozen=True)
class EventTerm:
    term: str  # the OASIS term, in English as the list writes it
    code: str = ""  # OET-nnn, only when checked against the lookup table


T = IncidentType
TERMS: dict[str, EventTerm] = {
    T.BOMB_THREAT: EventTerm("bomb threat", "OET-028"),
    T.EXPLOSION: EventTerm("Explosion"),  # nearest: OET-076 "explosion threat"
    T.TERRORIST_INCIDENT: EventTerm("terrorist incident", "OET-193"),
    T.ACTIVE_SHOOTER: EventTerm("active shooter situation", "OET-001"),
    T.HOSTAGE: EventTerm("Hostage situation"),  # nearest: OET-049 "criminal activity"
    T.HIJACKING: EventTerm("Hijacking"),  # nearest: OET-020 "aviation security"
    T.SUSPICIOUS_OBJECT: EventTerm("Suspicious package"),  # no OASIS term
    T.ARSON: EventTerm("Arson"),  # nearest: OET-078 "fire"
    T.DRONE_INTRUSION: EventTerm("Unauthorized aircraft"),  # nearest: OET-020 "aviation security"
    T.CYBER_ATTACK: EventTerm("Cyber attack"),  # nearest: OET-050 "cybercrime threat"
    T.EXPLOSIVES_LOSS: EventTerm("Lost or stolen explosives"),  # nearest: OET-049
    T.OTHER: EventTerm("security", "OET-177"),
}


def term_for(incident_type: str) -> EventTerm:
    """The OASIS term of an incident type (``other`` for an unknown one)."""
    return TERMS.get(incident_type, TERMS[IncidentType.OTHER])


def english_event(event_code: str, incident_types: list[str], fallback: str) -> str:
    """The English ``<event>`` of an alert: the OASIS term of its code, else of its
    first incident's type, else the Vietnamese event as written."""
    if event_code:
        for term in TERMS.values():
            if term.code and term.code == event_code:
                return term.term
    if incident_types:
        return term_for(incident_types[0]).term
    return fallback
