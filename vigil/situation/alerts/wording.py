"""Words and stamps every alert text shares (notifications, SMS, the board, CAP)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

# "DIỄN TẬP" (exercise) is printed as is, in every language: the word the drill
# orders use, so nobody mistakes a drill for the real thing.
EXERCISE_MARK = "DIỄN TẬP"


def shown_time(at: dt.datetime) -> str:
    """hh:mm dd/mm/yyyy in Vietnam's time."""
    return timezone.localtime(at).strftime("%H:%M %d/%m/%Y")
