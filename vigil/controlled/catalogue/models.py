"""The catalogue: the kinds of explosive, detonator, cord, weapon and support tool,
and the units their quantities are counted in.

Quantities are integers of the item's smallest unit (grams, pieces,
centimetres); ``shown`` gives them in the unit people use.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

if TYPE_CHECKING:
    from vigil.org.scope import Viewer


class ItemClass(models.TextChoices):
    EXPLOSIVE = "explosive", _("Explosive")
    DETONATOR = "detonator", _("Detonator")
    CORD = "cord", _("Detonating cord or fuse")
    WEAPON = "weapon", _("Weapon")
    SUPPORT_TOOL = "support_tool", _("Support tool")


# class -> (stored unit, shown unit, stored units per shown unit)
UNITS: dict[str, tuple[str, str, int]] = {
    ItemClass.EXPLOSIVE: ("g", "kg", 1000),
    ItemClass.DETONATOR: ("pcs", "pcs", 1),
    ItemClass.CORD: ("cm", "m", 100),
    ItemClass.WEAPON: ("pcs", "pcs", 1),
    ItemClass.SUPPORT_TOOL: ("pcs", "pcs", 1),
}


def unit_label(unit: str) -> str:
    """How a unit code reads: g, kg, cm and m are the same everywhere; a count of
    pieces is "cái" in Vietnamese, never the code "pcs"."""
    return pgettext("unit", "pcs") if unit == "pcs" else unit


def unit_choices() -> list[tuple[str, str]]:
    """Every unit a quantity may be typed in, for a form's select."""
    return sorted({(u, unit_label(u)) for b, s, _f in UNITS.values() for u in (b, s)})


def shown(item_class: str, quantity: int) -> str:
    """A stored quantity in the unit people use: 12500 g -> "12,5 kg"."""
    _base, unit, factor = UNITS[item_class]
    value = Decimal(quantity) / factor
    text = f"{value.normalize():f}".replace(".", ",")
    return f"{text} {unit_label(unit)}"


class ItemQuerySet(models.QuerySet["Item"]):
    def visible_to(self, user: Viewer) -> ItemQuerySet:
        """The catalogue is reference data: every signed-in user reads it.

        Not the one scope rule (``OwnedQuerySet.visible_to``) on purpose: an item
        has no owner and no classification (it names a kind of explosive, not
        anyone's stock), and every storekeeper, licenser and officer must name
        the same items. What is held of an item is scoped: balances and entries."""
        return self.all() if getattr(user, "is_authenticated", False) else self.none()


class ItemCategory(models.TextChoices):
    """What kind of weapon or support tool an item is (Law 42/2024/QH15); blank
    for explosives, detonators and cord."""

    MILITARY_WEAPON = "military_weapon", _("Military weapon")
    SPORTING_WEAPON = "sporting_weapon", _("Sporting weapon")
    HUNTING_GUN = "hunting_gun", _("Hunting gun")
    RUDIMENTARY_WEAPON = "rudimentary_weapon", _("Rudimentary weapon")
    BATON = "baton", _("Baton")
    STUN_DEVICE = "stun_device", _("Stun device")
    GAS_SPRAY = "gas_spray", _("Gas spray")
    HANDCUFFS = "handcuffs", _("Handcuffs")
    OTHER_SUPPORT_TOOL = "other_support_tool", _("Other support tool")


# Which categories an item of each class may have: a weapon one of the weapon
# categories, a support tool one of the support-tool categories, anything else none.
CATEGORIES: dict[str, tuple[str, ...]] = {
    ItemClass.WEAPON: (
        ItemCategory.MILITARY_WEAPON, ItemCategory.SPORTING_WEAPON, ItemCategory.HUNTING_GUN,
        ItemCategory.RUDIMENTARY_WEAPON,
    ),
    ItemClass.SUPPORT_TOOL: (
        ItemCategory.BATON, ItemCategory.STUN_DEVICE, ItemCategory.GAS_SPRAY,
        ItemCategory.HANDCUFFS, ItemCategory.OTHER_SUPPORT_TOOL,
    ),
}  # fmt: skip

# Where the catalogue records a serial number per piece unless told otherwise:
# guns (military, sporting, hunting) carry one the licence and the police
# register name. Rudimentary weapons, batons, stun devices, sprays and handcuffs
# are counted, not numbered; an item of those may still be marked serial-required.
SERIAL_BY_DEFAULT = frozenset(
    {ItemCategory.MILITARY_WEAPON, ItemCategory.SPORTING_WEAPON, ItemCategory.HUNTING_GUN}
)


def serial_by_default(category: str) -> bool:
    return category in SERIAL_BY_DEFAULT


def category_rule() -> Q:
    """The categories an item may have for its class, as the database checks it."""
    rule = Q(item_class__in=[c for c in ItemClass.values if c not in CATEGORIES],
             category="", serial_required=False)  # fmt: skip
    for item_class, categories in CATEGORIES.items():
        rule |= Q(item_class=item_class, category__in=list(categories))
    return rule


class Item(models.Model):
    """A kind of explosive, detonator, cord, weapon or support tool.

    ``serial_required``: each piece carries a serial number the law requires to
    be recorded; every movement of such an item names one piece by its serial
    (in the ledger's ``lot``) and moves exactly one. A serial belongs to the
    piece, never to a person."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    item_class = models.CharField(_("class"), max_length=20, choices=ItemClass.choices)
    maker = models.CharField(_("maker"), max_length=200, blank=True)
    category = models.CharField(
        _("category"), max_length=30, choices=ItemCategory.choices, blank=True
    )
    serial_required = models.BooleanField(_("serial number required"), default=False)

    objects = ItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("catalogue item")
        verbose_name_plural = _("catalogue items")
        ordering = ["item_class", "name"]
        constraints = [
            models.CheckConstraint(
                condition=category_rule(),
                name="controlled_item_category_fits_class",
                violation_error_message=_(
                    "A weapon has a weapon category, a support tool a support-tool category; "
                    "explosives, detonators and cord have none and no serial numbers."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """The constraint's rule, said field by field. Only a weapon or a support tool
        is numbered piece by piece: a numbered item moves one piece per movement,
        which fits a pistol, not a box of 3,000 detonators."""
        allowed = CATEGORIES.get(self.item_class)
        if allowed is None:
            if self.category:
                raise ValidationError(
                    {"category": _("Only a weapon or a support tool has a category.")}
                )
            if self.serial_required:
                raise ValidationError(
                    {"serial_required": _(
                        "Only a weapon or a support tool is numbered piece by piece."
                    )}
                )  # fmt: skip
        elif self.category not in allowed:
            raise ValidationError(
                {"category": _("Choose the category of this %(cls)s: %(choices)s.")
                 % {"cls": ItemClass(self.item_class).label.lower(),
                    "choices": ", ".join(str(ItemCategory(c).label) for c in allowed)}}
            )  # fmt: skip

    @property
    def base_unit(self) -> str:
        return UNITS[self.item_class][0]

    @property
    def unit(self) -> str:
        return UNITS[self.item_class][1]
