"""The OASIS Event Terms codes our incident types carry in CAP: only real ones, each once."""

from __future__ import annotations

import re

from vigil.situation.cap.event_terms import TERMS, english_event, term_for
from vigil.situation.incidents.models import IncidentType


def test_every_type_has_a_term_and_codes_are_oasis_codes_used_once() -> None:
    assert set(TERMS) == set(IncidentType.values)
    codes = [term.code for term in TERMS.values() if term.code]
    assert all(re.fullmatch(r"OET-\d{3}", code) for code in codes)
    assert len(codes) == len(set(codes))
    assert term_for(IncidentType.BOMB_THREAT).code == "OET-028"
    assert term_for(IncidentType.EXPLOSION).code == ""  # no OASIS term for it: no code


def test_the_english_event_is_the_oasis_term_of_the_code() -> None:
    assert english_event("OET-028", [], "Đe dọa đánh bom") == "bomb threat"
    assert english_event("", [IncidentType.TERRORIST_INCIDENT], "x") == "terrorist incident"
    assert english_event("OET-999", [], "Sự cố") == "Sự cố"
