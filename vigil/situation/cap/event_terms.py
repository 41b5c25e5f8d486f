"""Our incident types as the OASIS Event Terms List for CAP 1.2 names them.

An alert's ``<eventCode>`` carries two codes:

- ``OET:v1.2`` (the value name the OASIS list gives its codes in CAP 1.2), with
  the alert's ``event_code`` when its drafter (or the CAP file it was imported
  from) gave one;
- ``VIGIL_TYPE`` with our own incident type, for every incident the alert links,
  so a Vigil on the other side reads the type without a table.

``TERMS`` maps each ``IncidentType`` to the OASIS term it corresponds to and,
where it has been checked against the OASIS lookup table, the term's code
(``OET-nnn``). A type without a checked code has ``code = ""``: Vigil then
writes no OASIS code rather than a guessed one. Fill a code in only from the
lookup table itself (OASIS Event Terms List for use with CAP 1.2, Committee
Note 01, 2020).
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
    T.BOMB_THREAT: EventTerm("Bomb threat"),
    T.EXPLOSION: EventTerm("Explosion"),
    T.TERRORIST_INCIDENT: EventTerm("Terrorism"),
    T.ACTIVE_SHOOTER: EventTerm("Active shooter"),
    T.HOSTAGE: EventTerm("Hostage situation"),
    T.HIJACKING: EventTerm("Hijacking"),
    T.SUSPICIOUS_OBJECT: EventTerm("Suspicious package"),
    T.ARSON: EventTerm("Arson"),
    T.DRONE_INTRUSION: EventTerm("Unauthorized aircraft"),
    T.CYBER_ATTACK: EventTerm("Cyber attack"),
    T.EXPLOSIVES_LOSS: EventTerm("Lost or stolen explosives"),
    T.OTHER: EventTerm("Security threat"),
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
