"""``vigil catalogue …``: the item catalogue, kept by the system administrators.

- ``list`` prints the items (class, category, serial numbers, unit as people read it);
- ``add`` adds one, through ``create_item`` (a weapon or a support tool names its
  category; serial numbers follow the category unless ``--serial``/``--no-serial``).

Exit codes: 0 done; 1 refused (the message says why, nothing is written).
"""

from __future__ import annotations

import argparse
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from vigil.controlled.catalogue.models import Item, ItemCategory, ItemClass, unit_label
from vigil.controlled.catalogue.services import create_item
from vigil.core.audit import SystemActor


class Command(BaseCommand):
    help = "The item catalogue (explosives, detonators, cord, weapons, support tools): list, add."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        listing: CommandParser = sub.add_parser("list", help="list the catalogue")
        listing.add_argument("--class", dest="item_class", choices=ItemClass.values,
                             help="only items of this class")  # fmt: skip
        add: CommandParser = sub.add_parser("add", help="add an item to the catalogue")
        add.add_argument("--code", required=True, metavar="CODE")
        add.add_argument("--name", required=True, metavar="NAME")
        add.add_argument("--class", dest="item_class", required=True, choices=ItemClass.values)
        add.add_argument("--category", default="", choices=["", *ItemCategory.values],
                         help="required for a weapon or a support tool")  # fmt: skip
        add.add_argument("--maker", default="", metavar="MAKER")
        add.add_argument("--serial", dest="serial_required", default=None,
                         action=argparse.BooleanOptionalAction,
                         help="each piece has a serial number (default: by category: "
                              "military, sporting and hunting guns)")  # fmt: skip

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "list":
            self._list(options["item_class"])
        else:
            self._add(options)

    def _list(self, item_class: str | None) -> None:
        items = Item.objects.order_by("item_class", "name")
        if item_class:
            items = items.filter(item_class=item_class)
        for item in items:
            self.stdout.write(
                "\t".join([
                    item.code, item.name, item.item_class, item.category or "-",
                    "serial" if item.serial_required else "-", unit_label(item.unit),
                ])
            )  # fmt: skip

    def _add(self, options: dict[str, Any]) -> None:
        try:
            item = create_item(
                code=options["code"], name=options["name"], item_class=options["item_class"],
                category=options["category"], maker=options["maker"],
                serial_required=options["serial_required"], actor=SystemActor("command line"),
            )  # fmt: skip
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        serial = "serial numbers required" if item.serial_required else "no serial numbers"
        self.stdout.write(f"OK: {item.code} {item.name} ({item.item_class}, {serial})")
