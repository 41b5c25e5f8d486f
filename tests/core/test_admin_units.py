import io

import pytest
from django.core.management import call_command

from vigil.core.admin_units import import_admin_units
from vigil.core.audit import SystemActor
from vigil.core.models import AdminUnit

pytestmark = pytest.mark.django_db


def test_the_demo_holds_the_2025_structure_of_quang_ninh() -> None:
    province = AdminUnit.objects.get(code="22")
    assert province.name == "Quảng Ninh"
    units = AdminUnit.objects.filter(parent=province)
    assert units.count() == 54
    kinds = {k: units.filter(kind=k).count() for k in AdminUnit.Kind.values}
    assert (kinds["ward"], kinds["commune"], kinds["special_zone"]) == (30, 22, 2)
    assert AdminUnit.objects.filter(parent__isnull=True).count() == 34


def test_an_edited_name_survives_a_new_import() -> None:
    unit = AdminUnit.objects.get(code="06994")
    unit.name = "Đặc khu Vân Đồn (tên mới)"
    unit.save()
    result = import_admin_units(actor=SystemActor("test"))
    assert result.created == 0
    unit.refresh_from_db()
    assert unit.name == "Đặc khu Vân Đồn (tên mới)"
    assert unit.name_folded == "dac khu van don (ten moi)"


def test_the_command_imports_what_is_missing() -> None:
    AdminUnit.objects.filter(code="07192").delete()  # Đặc khu Cô Tô
    out = io.StringIO()
    call_command("import_admin_units", "--province", "22", stdout=out)
    assert "created 1" in out.getvalue()
    assert AdminUnit.objects.get(code="07192").name == "Đặc khu Cô Tô"
