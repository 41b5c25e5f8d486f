"""Reads of this concept."""

from __future__ import annotations

from typing import Any

from vigil.exercises.drills.models import Exercise
from vigil.org.scope import Viewer


def panel_context(exercise: Exercise, user: Viewer) -> dict[str, Any]:
    """The context of this concept's panel on the exercise's page
    (``exercises/_<concept>_panel.html``); the exercise is already visible to ``user``."""
    return {}
