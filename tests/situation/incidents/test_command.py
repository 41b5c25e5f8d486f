"""``vigil incidents list|show|report|move|update --as USER``: the same services and
scope as the pages."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from vigil.org.models import Committee
from vigil.situation.incidents.models import Incident, IncidentState, TimelineEntry

pytestmark = pytest.mark.django_db


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("incidents", *args, stdout=out)
    return out.getvalue()


def test_list_and_show_are_the_users_scope(incidents: dict[str, Incident]) -> None:
    airport = incidents["airport"]
    assert airport.title in _run("list", "--as", "xa_a")
    assert airport.title not in _run("list", "--as", "xa_b")
    exercises = _run("list", "--as", "thuongtruc", "--exercise")
    assert incidents["exercise"].title in exercises and "DIỄN TẬP" in exercises
    assert airport.title not in exercises
    assert "Đội rà phá" in _run("show", str(airport.pk), "--as", "xa_a")
    with pytest.raises(CommandError, match="Không có vụ việc"):
        _run("show", str(airport.pk), "--as", "xa_b")


def test_report_move_and_update(db: None) -> None:
    committee = Committee.objects.get(name__endswith="đặc khu Vân Đồn")
    out = _run("report", "--as", "xa_a", "--committee", str(committee.pk), "--title",
               "Cháy kho hàng cảng", "--type", "arson", "--commune", str(committee.admin_unit_id),
               "--occurred-at", "25/11/2026 07:15")  # fmt: skip
    incident = Incident.objects.get(title="Cháy kho hàng cảng")
    assert str(incident.pk) in out
    assert timezone.localtime(incident.occurred_at).hour == 7
    _run("move", str(incident.pk), "verified", "--as", "xa_a", "--note", "Đã xác minh")
    incident.refresh_from_db()
    assert incident.state == IncidentState.VERIFIED
    with pytest.raises(CommandError, match="không thể chuyển"):
        _run("move", str(incident.pk), "reported", "--as", "xa_a")
    _run("update", str(incident.pk), "Đã dập tắt đám cháy", "--as", "xa_a")
    assert TimelineEntry.objects.filter(incident=incident, text="Đã dập tắt đám cháy").exists()
    with pytest.raises(CommandError):  # the auditor may read it, not report or move
        _run("move", str(incident.pk), "closed", "--as", "kiemtoan")
    with pytest.raises(CommandError):
        _run("report", "--as", "kiemtoan", "--committee", str(committee.pk), "--title", "x",
             "--type", "other", "--commune", str(committee.admin_unit_id))  # fmt: skip
