"""``vigil reports annual|periodic|list|show|issue --as USER``: drafting from the command
line shows a line per section on the terminal while it computes and writes the .docx; a
second run recomputes the draft, a run after issue exports the issued .docx; the user's
scope and permissions apply."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from vigil.core.models import AuditEvent
from vigil.org.models import Committee
from vigil.reports.models import ReportAction
from vigil.reports.sections.outline import outline_for
from vigil.reports.summaries.models import ReportKind, ReportState, SummaryReport

pytestmark = pytest.mark.django_db


def _run(*args: Any) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("reports", *map(str, args), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def _docx_text(path: Path) -> str:
    with zipfile.ZipFile(path) as docx:
        return docx.read("word/document.xml").decode()


def test_annual_drafts_with_progress_then_recomputes_then_exports_the_issued_report(
    tmp_path: Path, province: Committee
) -> None:
    target = tmp_path / "tong-ket-2026.docx"
    out, err = _run("annual", "--committee", province.pk, "--year", 2026, "--as", "thuongtruc",
                    "-o", target)  # fmt: skip
    specs = outline_for(annual=True)
    lines = err.splitlines()
    assert lines == [f"[{n}/{len(specs)}] {s.title}" for n, s in enumerate(specs, 1)]
    report = SummaryReport.objects.get(owning_committee=province, kind=ReportKind.ANNUAL)
    assert str(target) in out and report.title in out
    assert target.stat().st_size > 1000 and "DỰ THẢO" in _docx_text(target)

    # A draft is written as it stands, unless asked to recompute it.
    _run("annual", "--committee", province.pk, "--year", 2026, "--as", "thuongtruc",
         "-o", target)  # fmt: skip
    assert not AuditEvent.objects.filter(action=ReportAction.REPORT_REDRAFTED).exists()
    _run("annual", "--committee", province.pk, "--year", 2026, "--as", "thuongtruc",
         "--recompute", "-o", target)  # fmt: skip
    assert AuditEvent.objects.filter(action=ReportAction.REPORT_REDRAFTED,
                                     object_id=str(report.pk)).count() == 1  # fmt: skip
    assert SummaryReport.objects.filter(owning_committee=province,
                                        kind=ReportKind.ANNUAL).count() == 1  # fmt: skip

    issued_file = tmp_path / "issued.docx"
    out, _err = _run("issue", report.pk, "--as", "lanhdao", "--recipient", "UBND tỉnh",
                     "-o", issued_file)  # fmt: skip
    report.refresh_from_db()
    assert report.state == ReportState.ISSUED and report.number in out
    again = tmp_path / "again.docx"
    out, err = _run("annual", "--committee", province.pk, "--year", 2026, "--as", "lanhdao",
                    "-o", again)  # fmt: skip
    assert err == "" and report.number in out  # nothing computed: the issued document
    assert again.read_bytes() == issued_file.read_bytes() == bytes(report.issued_docx or b"")


def test_periodic_drafts_the_shorter_outline(tmp_path: Path, commune_a: Committee) -> None:
    target = tmp_path / "quy-2.docx"
    _out, err = _run("periodic", "--kind", "quarterly", "--part", 2, "--committee", commune_a.pk,
                     "--year", 2026, "--as", "xa_a", "-o", target)  # fmt: skip
    assert len(err.splitlines()) == len(outline_for(annual=False))
    assert err.startswith(f"[1/{len(outline_for(annual=False))}] ")
    report = SummaryReport.objects.get(owning_committee=commune_a, kind=ReportKind.QUARTERLY)
    assert (report.part, report.starts_on.month) == (2, 4) and target.exists()


def test_list_show_and_refusals_follow_the_users_scope(
    tmp_path: Path, province: Committee, demo_report: SummaryReport
) -> None:
    out, _err = _run("list", "--as", "thuongtruc")
    assert demo_report.number in out
    assert demo_report.number not in _run("list", "--as", "xa_a")[0]
    assert demo_report.number not in _run("list", "--as", "quantri")[0]  # cleared below Mật
    before = AuditEvent.objects.filter(action="object.viewed").count()
    shown = _run("show", demo_report.pk, "--as", "kiemtoan")[0]
    assert demo_report.title in shown and demo_report.sections.first().title in shown  # type: ignore[union-attr]
    assert AuditEvent.objects.filter(action="object.viewed").count() == before + 1
    with pytest.raises(CommandError, match=str(demo_report.pk)):
        _run("show", demo_report.pk, "--as", "xa_b")
    with pytest.raises(CommandError):
        _run("issue", demo_report.pk, "--as", "lanhdao")  # issued already
    with pytest.raises(CommandError):
        _run("annual", "--committee", province.pk, "--year", 2026, "--as", "congthuong",
             "-o", tmp_path / "x.docx")  # fmt: skip
    assert not (tmp_path / "x.docx").exists()
    assert not SummaryReport.objects.filter(kind=ReportKind.ANNUAL).exists()
