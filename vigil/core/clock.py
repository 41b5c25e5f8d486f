"""The one place that reads the clock, so tests can move it."""

import datetime as dt

from django.utils import timezone


def now() -> dt.datetime:
    return timezone.now()


def today() -> dt.date:
    """Today's date in Vietnam (the deployment's time zone)."""
    return timezone.localdate(now())
