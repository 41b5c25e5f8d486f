"""The rule every concept of the situation asks: who handles a committee's situation.

The standing office and the leaders of a committee, or of one above it, verify and
close its incidents, issue its flash reports and draft its alerts (a leader who
did not draft one approves it). The concepts' own use cases are in
``incidents/services.py``, ``flash/services.py`` and ``alerts/services.py``.
"""

from __future__ import annotations

from vigil.org.models import Committee
from vigil.org.scope import Role, Viewer, scope_for

HANDLERS = (Role.STANDING_OFFICE, Role.COMMITTEE_LEADER)


def handles_situation(user: Viewer, committee: Committee) -> bool:
    """The standing office or a leader of ``committee`` (or of one above it)."""
    return scope_for(user).committee_role_covers(committee.path, *HANDLERS)
