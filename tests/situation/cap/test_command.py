"""``vigil cap export|import``: as a named user, through the same scope and use case."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.situation.cap.helpers import committee, issued, xsd_errors
from tests.situation.cap.test_schema import VALID
from vigil.situation.alerts.models import Alert, AlertState

pytestmark = pytest.mark.django_db


def test_export_writes_the_cap_file_for_a_recipient_only(tmp_path: Path) -> None:
    alert = issued()
    out = tmp_path / "canh-bao.xml"
    call_command("cap", "export", str(alert.pk), "--as", "congthuong", "-o", str(out))
    assert xsd_errors(out.read_bytes()) == []
    with pytest.raises(CommandError):
        call_command("cap", "export", str(alert.pk), "--as", "xa_b", "-o", str(out))


def test_import_drafts_and_refuses_a_hostile_file(tmp_path: Path) -> None:
    good = tmp_path / "good.xml"
    good.write_bytes(
        VALID.replace("2026-11-26T08:30:00+07:00", "2099-01-01T00:00:00+07:00").encode()
    )
    before = Alert.objects.count()
    call_command(
        "cap", "import", str(good), "--as", "thuongtruc", "--committee", str(committee().pk)
    )
    assert Alert.objects.count() == before + 1
    assert Alert.objects.latest("pk").state == AlertState.DRAFT
    bad = tmp_path / "bad.xml"
    bad.write_bytes(b'<!DOCTYPE a [<!ENTITY b "c">]><a/>')
    with pytest.raises(CommandError):
        call_command(
            "cap", "import", str(bad), "--as", "thuongtruc", "--committee", str(committee().pk)
        )
    assert Alert.objects.count() == before + 1
