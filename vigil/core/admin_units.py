"""Import of the administrative units from ``vietnam-provinces`` (1 July 2025)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import vietnam_provinces
from django.db import transaction

from vigil.core import audit
from vigil.core.models import AdminUnit
from vigil.core.search import fold

_KINDS = {
    "tỉnh": AdminUnit.Kind.PROVINCE,
    "thành phố trung ương": AdminUnit.Kind.MUNICIPALITY,
    "phường": AdminUnit.Kind.WARD,
    "xã": AdminUnit.Kind.COMMUNE,
    "đặc khu": AdminUnit.Kind.SPECIAL_ZONE,
}


@dataclass
class ImportResult:
    created: int
    kept: int


def _source() -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = json.loads(
        vietnam_provinces.NESTED_DIVISIONS_JSON_PATH.read_text(encoding="utf-8")
    )
    return data


def province_code(code: int) -> str:
    return f"{code:02d}"


def ward_code(code: int) -> str:
    return f"{code:05d}"


def import_admin_units(
    *, actor: audit.SystemActor, provinces: set[int] | None = None
) -> ImportResult:
    """Add the units that are missing. Existing rows are kept as edited."""
    created = kept = 0
    with transaction.atomic():
        existing = set(AdminUnit.objects.values_list("code", flat=True))
        for province in _source():
            if provinces and province["code"] not in provinces:
                continue
            code = province_code(province["code"])
            if code in existing:
                parent = AdminUnit.objects.get(code=code)
                kept += 1
            else:
                parent = AdminUnit.objects.create(
                    code=code, name=province["name"], kind=_KINDS[province["division_type"]]
                )
                created += 1
            new_wards = [
                AdminUnit(
                    code=ward_code(ward["code"]),
                    name=ward["name"],
                    kind=_KINDS[ward["division_type"]],
                    parent=parent,
                    name_folded=fold(ward["name"]),
                )
                for ward in province["wards"]
                if ward_code(ward["code"]) not in existing
            ]
            AdminUnit.objects.bulk_create(new_wards)
            created += len(new_wards)
            kept += len(province["wards"]) - len(new_wards)
        if created:
            audit.record(
                audit.CoreAction.ADMIN_UNITS_IMPORTED,
                actor=actor,
                object_type="core.adminunit",
                after={
                    "created": created,
                    "source": f"vietnam-provinces {vietnam_provinces.__version__}",
                },
            )
    return ImportResult(created=created, kept=kept)
