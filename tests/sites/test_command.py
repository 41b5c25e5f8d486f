"""``vigil sites list|export --as USER``: the list page's rows and scope, audited as a read."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from vigil.core.audit import CoreAction
from vigil.core.models import AuditEvent
from vigil.sites import demo
from vigil.sites.models import Plan

pytestmark = pytest.mark.django_db


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("sites", *args, stdout=out)
    return out.getvalue()


def test_list_is_the_users_scope() -> None:
    assert demo.AIRPORT in _run("list", "--as", "xa_a")
    assert demo.AIRPORT not in _run("list", "--as", "xa_b")
    names = {row["name"] for row in json.loads(_run("list", "--as", "xa_a", "--json"))}
    assert names == {demo.AIRPORT}


def test_list_filters_by_state() -> None:
    overdue = json.loads(_run("list", "--as", "thuongtruc", "--state", "overdue", "--json"))
    assert demo.SEAPORT in {row["name"] for row in overdue}
    assert {row["plan_state"] for row in overdue} == {"overdue"}


def test_export_writes_the_scope_and_hides_a_plan_above_clearance(tmp_path: Path) -> None:
    target = tmp_path / "muc-tieu.xlsx"
    _run("export", "--as", "xa_b", "-o", str(target))
    values = {c.value for row in load_workbook(target).worksheets[0].iter_rows() for c in row}
    assert demo.AIRPORT not in values
    _run("export", "--as", "thuongtruc", "-o", str(target))
    text = " ".join(
        str(c.value) for row in load_workbook(target).worksheets[0].iter_rows() for c in row
    )
    assert demo.SEAPORT in text and "KB-CB 01" in text
    assert demo.CASE_6_PLAN not in text


def test_a_classified_export_is_audited_under_the_user(tmp_path: Path) -> None:
    secret = Plan.objects.get(code_name=demo.CASE_6_PLAN)
    before = AuditEvent.objects.filter(action=CoreAction.OBJECT_VIEWED).count()
    _run("export", "--as", "lanhdao", "-o", str(tmp_path / "a.xlsx"))
    event = AuditEvent.objects.filter(action=CoreAction.OBJECT_VIEWED).order_by("-seq").first()
    assert AuditEvent.objects.filter(action=CoreAction.OBJECT_VIEWED).count() == before + 1
    assert event is not None and event.classification == secret.classification


@pytest.mark.parametrize(
    "args",
    [
        ("list", "--as", "nobody"),
        ("export", "--as", "xa_a", "-o", "sites.csv"),
        ("export", "--as", "xa_a", "-o", "/no/such/folder/sites.xlsx"),
    ],
)
def test_refusals_exit_1(args: tuple[str, ...]) -> None:
    with pytest.raises(CommandError) as info:
        _run(*args)
    assert info.value.returncode == 1
