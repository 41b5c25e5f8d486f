"""The catalogue's use case (kept by the system administrators) and the units a
quantity may be given in."""

from __future__ import annotations

from decimal import Decimal, DecimalException
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from vigil.controlled.catalogue.models import UNITS, Item, serial_by_default, unit_label
from vigil.controlled.models import ControlledAction
from vigil.core import audit
from vigil.core.audit import Actor, SystemActor


@transaction.atomic(durable=True)
def create_item(
    *,
    code: str,
    name: str,
    item_class: str,
    maker: str = "",
    category: str = "",
    serial_required: bool | None = None,
    actor: Actor,
) -> Item:
    """Add a kind of item to the catalogue. A weapon or support tool names its
    category; ``serial_required`` left out follows the category
    (``SERIAL_BY_DEFAULT``: military, sporting and hunting guns)."""
    return create_item_within(
        code=code, name=name, item_class=item_class, maker=maker, category=category,
        serial_required=serial_required, actor=actor,
    )  # fmt: skip


def create_item_within(
    *,
    code: str,
    name: str,
    item_class: str,
    maker: str = "",
    category: str = "",
    serial_required: bool | None = None,
    actor: Actor,
) -> Item:
    """``create_item`` in the caller's transaction (the demo seed)."""
    if not isinstance(actor, SystemActor):
        raise PermissionDenied(_("The catalogue is kept by the system administrators."))
    if serial_required is None:
        serial_required = serial_by_default(category)
    item = Item(
        code=code, name=name, item_class=item_class, maker=maker, category=category,
        serial_required=serial_required,
    )  # fmt: skip
    item.full_clean()
    item.save()
    audit.record(ControlledAction.ITEM_CREATED, actor=actor, obj=item, after=audit.snapshot(item))
    return item


# The most one movement or line may name, in stored units (a million tonnes of
# explosives in grams): beyond it a quantity is a typing slip, and a database integer
# would overflow.
MAX_BASE_UNITS = 10**15


def to_base_units(item: Item, quantity: Any, unit: str | None = None) -> int:
    """A quantity in ``unit`` (the shown or the stored unit) as an integer of stored units."""
    base, shown_unit, factor = UNITS[item.item_class]
    if unit is None or unit == base:
        multiplier = 1
    elif unit == shown_unit:
        multiplier = factor
    else:
        raise ValidationError(
            _("%(item)s is counted in %(unit)s, not %(given)s.")
            % {"item": item, "unit": unit_label(shown_unit), "given": unit_label(unit)}
        )
    if isinstance(quantity, bool):
        raise ValidationError(_("The quantity must be a number."))
    try:
        value = Decimal(str(quantity)) * multiplier
    except DecimalException:  # not a number, or one too large to multiply
        raise ValidationError(_("The quantity must be a number.")) from None
    if not value.is_finite() or value != value.to_integral_value():
        raise ValidationError(
            _("The quantity must be a whole number of %(base)s.") % {"base": unit_label(base)}
        )
    if value <= 0:
        raise ValidationError(_("The quantity must be greater than zero."))
    if value > MAX_BASE_UNITS:
        raise ValidationError(_("The quantity is too large: check what was typed."))
    return int(value)
