"""Points in Vietnam: the bounds a key site's or an incident's coordinates must lie in,
the messages that say so, and reading a typed coordinate."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Vietnam's bounding box, the islands included.
LAT_MIN, LAT_MAX = 6.0, 23.5
LON_MIN, LON_MAX = 102.0, 118.0
LATITUDE_MESSAGE = _("The latitude must lie inside Vietnam: from 6.0 to 23.5 degrees north.")
LONGITUDE_MESSAGE = _("The longitude must lie inside Vietnam: from 102.0 to 118.0 degrees east.")
PAIRED_MESSAGE = _("Give both the latitude and the longitude, or neither.")


def coordinate(value: Any, low: float, high: float, name: str, message: Any) -> Decimal | None:
    """``value`` as six decimals, or None when blank; outside [low, high] or not a
    number: ``ValidationError`` on the field ``name`` with ``message``."""
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value)).quantize(Decimal("0.000001"))
    except (InvalidOperation, ValueError):
        raise ValidationError({name: message}) from None
    if not Decimal(str(low)) <= number <= Decimal(str(high)):
        raise ValidationError({name: message})
    return number
