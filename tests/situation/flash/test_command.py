"""``vigil flash_report``: the same use case, as a named user."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from tests.situation.flash.conftest import docx_text, province
from vigil.core.documents import edxml
from vigil.core.documents.check import check_docx
from vigil.situation.incidents.models import FlashReport

pytestmark = pytest.mark.django_db


def test_issues_and_writes_docx_and_edxml(
    make_incident: Callable[..., Any], tmp_path: Path
) -> None:
    incident = make_incident()
    out, package = tmp_path / "bcn.docx", tmp_path / "bcn.edxml"
    call_command(
        "flash_report", str(incident.pk), "--as", "xa_a", "--urgency", "thuong_khan",
        "--signing-form", "KT.", "--signer-title", "Phó Trưởng ban Thường trực",
        "--signer-name", "Đỗ Văn D", "-o", str(out), "--edxml", str(package),
    )  # fmt: skip
    report = FlashReport.objects.get(incident=incident)
    data = out.read_bytes()
    assert check_docx(data) == []
    text = docx_text(data)
    assert "THƯỢNG KHẨN" in text and "Đỗ Văn D" in text and "KT. TRƯỞNG BAN" in text
    assert edxml.parse_package(package.read_bytes()).subject == report.content["subject"]


def test_defaults_to_the_standing_deputy(make_incident: Callable[..., Any], tmp_path: Path) -> None:
    incident = make_incident(committee=province())
    out = tmp_path / "bcn.docx"
    call_command("flash_report", str(incident.pk), "--as", "thuongtruc", "-o", str(out))
    report = FlashReport.objects.get(incident=incident)
    assert report.urgency_mark == "hoa_toc"
    assert report.content["signature"]["form"] == "KT."
    assert report.signer_name
    assert check_docx(out.read_bytes()) == []


def test_refusals(make_incident: Callable[..., Any], tmp_path: Path) -> None:
    incident = make_incident()
    out = str(tmp_path / "bcn.docx")
    with pytest.raises(CommandError, match="vụ việc"):  # not visible: as if it did not exist
        call_command("flash_report", str(incident.pk), "--as", "xa_b", "-o", out)
    with pytest.raises(CommandError):
        call_command("flash_report", str(incident.pk), "--as", "nobody", "-o", out)
    with pytest.raises(CommandError, match=r"\.docx"):
        call_command("flash_report", str(incident.pk), "--as", "xa_a", "-o", "x.pdf")
    classified = make_incident(committee=province(), classification=1)
    with pytest.raises(CommandError, match="edXML"):
        call_command("flash_report", str(classified.pk), "--as", "thuongtruc", "-o", out,
                     "--edxml", str(tmp_path / "x.edxml"))  # fmt: skip
    assert Path(out).exists()  # the .docx is written; the package is not
    assert not (tmp_path / "x.edxml").exists()
    assert FlashReport.objects.filter(incident=classified).count() == 1


def test_exercise_is_marked_on_the_page(
    make_incident: Callable[..., Any], client_for: Callable[[str], Any], tmp_path: Path
) -> None:
    incident = make_incident(is_exercise=True)
    out = tmp_path / "bcn.docx"
    call_command("flash_report", str(incident.pk), "--as", "xa_a", "--signer-name", "Đỗ Văn D",
                 "-o", str(out))  # fmt: skip
    report = FlashReport.objects.get(incident=incident)
    assert "DIỄN TẬP" in docx_text(out.read_bytes())
    page = client_for("xa_a").get(f"/situation/flash/{report.pk}/")
    assert "DIỄN TẬP" in page.content.decode()
    form = client_for("xa_a").get(f"/situation/flash/new/{incident.pk}/")
    assert "DIỄN TẬP" in form.content.decode()
