"""``vigil work …``: each subcommand acts as the named user, with exactly their scope."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.test import Client

from tests.work.helpers import SEED, agency, commune, directive, province
from vigil.core import clock
from vigil.core.audit import SystemActor
from vigil.core.classification import Classification
from vigil.core.documents import edxml
from vigil.core.models import AuditEvent
from vigil.work.models import IncomingDocument, IssuedDocument, Task
from vigil.work.obligations import services as obligations
from vigil.work.obligations.models import ReportObligation, ReportPeriod
from vigil.work.obligations.services import IndicatorSpec, SectionSpec

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")


def work(*args: str) -> tuple[str, str]:
    """Run ``vigil work ARGS``; its stdout and stderr."""
    out, err = io.StringIO(), io.StringIO()
    call_command("work", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def refused(*args: str) -> CommandError:
    with pytest.raises(CommandError) as caught:
        work(*args)
    return caught.value


def _package(number: str = "7", **changes: Any) -> bytes:
    values: dict[str, Any] = {
        "sender": edxml.Organ("000.00.77.H99", "Sở Ngoại vụ tỉnh bạn"), "recipients": [],
        "number": number, "notation": "CV-SNV", "place": "Hà Nội",
        "date": dt.date(2026, 11, 2), "type_name": "Công văn",
        "subject": "Phối hợp trao đổi thông tin",
    }  # fmt: skip
    values.update(changes)
    return edxml.build_package(edxml.EdxmlDocument(**values))


# --- import-edxml


def test_packages_are_registered_for_the_committee_as_the_user(
    tmp_path: Path, persona: Callable[[str], Any]
) -> None:
    first, second = tmp_path / "a.edxml", tmp_path / "b.edxml"
    first.write_bytes(_package("7"))
    second.write_bytes(_package("8"))
    out, err = work("import-edxml", str(first), str(second), "--as", "xa_a",
                    "--committee", str(commune("a").pk))  # fmt: skip
    registered = IncomingDocument.objects.filter(owning_committee=commune("a"), from_edxml=True)
    assert sorted(registered.values_list("number", flat=True)) == ["7", "8"]
    assert all(d.registered_by_label.startswith("xa_a") for d in registered)
    events = AuditEvent.objects.filter(action="work.incoming.registered",
                                       object_id__in=[str(d.pk) for d in registered])  # fmt: skip
    assert {e.actor_id for e in events} == {persona("xa_a").pk}
    assert "2 incoming document(s) registered." in out and err == ""
    assert "is not in the directory" in out  # the unknown issuer is flagged, as on the page


def test_a_bad_file_is_named_and_nothing_is_registered(tmp_path: Path) -> None:
    good, bad = tmp_path / "good.edxml", tmp_path / "bad.edxml"
    good.write_bytes(_package("7"))
    bad.write_bytes(b"<not xml")
    before = IncomingDocument.objects.count()
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("work", "import-edxml", str(good), str(bad), str(tmp_path / "missing.edxml"),
                     "--as", "thuongtruc", "--committee", str(province().pk),
                     stdout=out, stderr=err)  # fmt: skip
    assert "registered as" not in out.getvalue()  # nothing claims a registration rolled back
    assert caught.value.returncode == 2
    assert "2 of 3 file(s) refused: nothing was registered" in str(caught.value)
    report = err.getvalue()
    assert f"{bad}: not registered:" in report and "well-formed" in report
    assert f"{tmp_path / 'missing.edxml'}: not registered: no such file." in report
    assert str(good) not in report  # the good one was fine: it is rolled back, not refused
    assert IncomingDocument.objects.count() == before


def test_an_oversized_file_is_refused_before_it_is_read(tmp_path: Path, settings: Any) -> None:
    settings.VIGIL_MAX_UPLOAD_MB = 1
    big = tmp_path / "big.edxml"
    big.write_bytes(b"a" * (1024 * 1024 + 1))
    with pytest.raises(CommandError) as caught:
        call_command("work", "import-edxml", str(big), "--as", "thuongtruc", "--committee",
                     str(province().pk), stdout=io.StringIO(), stderr=(err := io.StringIO()))  # fmt: skip
    assert caught.value.returncode == 2
    assert "larger than 1 MB" in err.getvalue()


def test_importing_for_a_committee_needs_its_standing_office(tmp_path: Path) -> None:
    package = tmp_path / "a.edxml"
    package.write_bytes(_package())
    before = IncomingDocument.objects.count()
    # Commune B's committee is directory data, visible to xa_a, but not xa_a's to register for.
    error = refused(
        "import-edxml", str(package), "--as", "xa_a", "--committee", str(commune("b").pk)
    )
    assert error.returncode == 1 and "standing office" in str(error)
    above = refused("import-edxml", str(package), "--as", "thuongtruc", "--committee",
                    str(province().pk), "--classification", "2")  # fmt: skip
    assert above.returncode == 1 and "above your own clearance" in str(above)
    missing = refused("import-edxml", str(package), "--as", "xa_a", "--committee", "999999")
    assert str(missing) == "Not found."
    assert IncomingDocument.objects.count() == before


def test_an_unknown_or_inactive_user_is_refused() -> None:
    from vigil.accounts.models import User

    assert "No active user is named nobody." in str(refused("tasks", "--as", "nobody"))
    User.objects.filter(username="xa_b").update(is_active=False)
    assert "xa_b" in str(refused("tasks", "--as", "xa_b"))


# --- export


def test_a_commune_user_cannot_export_another_communes_document(
    tmp_path: Path, api_for: Callable[..., Client]
) -> None:
    theirs = IssuedDocument.objects.filter(owning_committee=commune("b")).first()
    ours = IssuedDocument.objects.filter(owning_committee=commune("a")).first()
    assert theirs is not None and ours is not None
    target = tmp_path / "out.docx"
    hidden = refused(
        "export", str(theirs.pk), "--as", "xa_a", "--format", "docx", "-o", str(target)
    )
    absent = refused("export", "999999", "--as", "xa_a", "--format", "edxml", "-o", str(target))
    assert str(hidden) == str(absent) == "Not found."
    assert not target.exists()
    out, _err = work("export", str(ours.pk), "--as", "xa_a", "--format", "docx", "-o", str(target))
    assert target.read_bytes()[:2] == b"PK" and "Written:" in out
    # The API answers the same for both, as the command line does.
    api = api_for("xa_a")
    answers = [api.get(f"/api/v1/documents/{pk}/") for pk in (theirs.pk, 999999)]
    assert [a.status_code for a in answers] == [404, 404]
    assert answers[0].json() == answers[1].json()


def test_the_edxml_export_is_audited_under_the_user(
    tmp_path: Path, persona: Callable[[str], Any]
) -> None:
    document = directive(agency("dit"), actor=SEED)
    target = tmp_path / "cv.edxml"
    work("export", str(document.pk), "--as", "congthuong", "--format", "edxml", "-o", str(target))
    package = edxml.parse_package(target.read_bytes(), check_types=False)
    assert package.subject == document.subject
    event = AuditEvent.objects.order_by("-seq").first()
    assert event is not None
    assert (event.action, event.actor_id, event.object_id) == (
        "work.document.exported",
        persona("congthuong").pk,
        str(document.pk),
    )


def test_a_classified_docx_export_is_recorded(tmp_path: Path) -> None:
    secret = IssuedDocument.objects.filter(classification=Classification.CONFIDENTIAL).first()
    assert secret is not None
    before = AuditEvent.objects.filter(action="object.viewed").count()
    work("export", str(secret.pk), "--as", "bienphong", "--format", "docx",
         "-o", str(tmp_path / "mat.docx"))  # fmt: skip
    assert AuditEvent.objects.filter(action="object.viewed").count() == before + 1
    # Below its classification the document does not exist.
    assert str(refused("export", str(secret.pk), "--as", "xa_a", "--format", "docx",
                       "-o", str(tmp_path / "x.docx"))) == "Not found."  # fmt: skip


def test_an_output_in_a_missing_folder_is_refused_before_anything_happens(tmp_path: Path) -> None:
    ours = IssuedDocument.objects.filter(owning_committee=commune("a")).first()
    assert ours is not None
    error = refused("export", str(ours.pk), "--as", "xa_a", "--format", "docx",
                    "-o", str(tmp_path / "nowhere" / "x.docx"))  # fmt: skip
    assert "No such folder" in str(error)


# --- tasks


def test_the_json_task_list_parses_and_holds_exactly_what_the_user_sees() -> None:
    out, _err = work("tasks", "--as", "xa_a", "--json")
    rows = json.loads(out)
    from vigil.accounts.models import User

    seen = Task.objects.visible_to(User.objects.get(username="xa_a"))
    assert sorted(r["id"] for r in rows) == sorted(seen.values_list("pk", flat=True))
    assert rows and {"id", "title", "agency", "deadline", "state", "classification"} <= set(rows[0])
    b_tasks = set(Task.objects.filter(owning_committee=commune("b")).values_list("pk", flat=True))
    assert b_tasks and not b_tasks & {r["id"] for r in rows}


def test_overdue_and_agency_filters(persona: Callable[[str], Any]) -> None:
    later = clock.today() + dt.timedelta(days=400)  # past every demo deadline
    with time_machine.travel(dt.datetime.combine(later, dt.time(9), VN), tick=False):
        rows = json.loads(work("tasks", "--as", "thuongtruc", "--overdue", "--json")[0])
        assert rows and all(r["deadline"] < later.isoformat() for r in rows)
        assert all(r["state"] in Task.OPEN_STATES for r in rows)
    dit = agency("dit").pk
    rows = json.loads(work("tasks", "--as", "thuongtruc", "--agency", str(dit), "--json")[0])
    assert rows and {r["agency"] for r in rows} == {dit}


def test_the_task_table_is_in_vietnamese_by_default() -> None:
    from django.utils import translation

    with translation.override("vi"):
        out, _err = work("tasks", "--as", "congthuong")
    assert out.splitlines()[0].split() == [
        "Mã",
        "Thời",
        "hạn",
        "Trạng",
        "thái",
        "Cơ",
        "quan,",
        "đơn",
        "vị",
        "Nhiệm",
        "vụ",
    ]
    assert out.rstrip().endswith("nhiệm vụ.")


# --- scorecard


def test_the_scorecard_prints_and_writes_a_marked_workbook(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from vigil.work.tasks import services as task_services

    task_services.assign_task(province(), lead=[agency("health")], title="Việc tối mật",
                         deadline_working_days=5, classification=Classification.SECRET,
                         actor=SEED)  # fmt: skip
    out, _err = work("scorecard", "--as", "lanhdao")
    assert out.splitlines()[0] == "TỐI MẬT" and "Sở Y tế" in out
    target = tmp_path / "bang-diem.xlsx"
    work("scorecard", "--as", "lanhdao", "-o", str(target))
    assert load_workbook(target).worksheets[0]["A1"].value == "TỐI MẬT"
    out, _err = work("scorecard", "--as", "congthuong")
    assert "MẬT" not in out and "Sở Công Thương" in out
    assert "Give a file name ending in .xlsx." in str(
        refused("scorecard", "--as", "lanhdao", "-o", str(tmp_path / "x.csv"))
    )


# --- reports


def _obligation(level: int = 0) -> ReportObligation:
    return obligations.create_obligation(
        province(), title="Báo cáo thử", period_kind="monthly", starts_on=dt.date(2026, 1, 1),
        agencies=[agency("dit")], classification=level,
        indicators=[IndicatorSpec("incidents", "Số vụ việc", "integer", "sum", "vụ")],
        sections=[SectionSpec("situation", "Tình hình chung")], actor=SystemActor("test"),
    )  # fmt: skip


def test_reports_open_runs_the_sweep_once_unless_told_now() -> None:
    obligation = _obligation()
    with time_machine.travel(dt.datetime(2026, 3, 10, 9, tzinfo=VN), tick=False):
        out, _err = work("reports", "open")
        assert "report period(s) opened." in out
        assert obligation.periods.filter(starts_on=dt.date(2026, 3, 1)).exists()
        again, _err = work("reports", "open")
        assert "Add --now" in again
        forced, _err = work("reports", "open", "--now")
        assert forced.startswith("0 report period(s) opened.")  # idempotent
    assert obligation.periods.count() == 1


def test_a_classified_consolidation_is_written_marked_and_hidden_below_clearance(
    tmp_path: Path,
) -> None:
    from openpyxl import load_workbook

    period = obligations.open_period(
        _obligation(Classification.CONFIDENTIAL), day=dt.date(2026, 2, 1), actor=SEED
    ).period
    target = tmp_path / "tong-hop.xlsx"
    work("reports", "consolidate", str(period.pk), "--as", "thuongtruc", "-o", str(target))
    book = load_workbook(target)
    assert all(ws["A1"].value == "MẬT" for ws in book.worksheets)
    assert book.worksheets[0].oddHeader.center.text == "MẬT"
    docx = tmp_path / "tong-hop.docx"
    work("reports", "consolidate", str(period.pk), "--as", "thuongtruc", "-o", str(docx))
    assert docx.read_bytes()[:2] == b"PK"
    hidden = refused("reports", "consolidate", str(period.pk), "--as", "xa_a",
                     "-o", str(tmp_path / "x.xlsx"))  # fmt: skip
    assert str(hidden) == "Not found."
    assert ReportPeriod.objects.filter(pk=period.pk).exists()


def test_a_consolidation_is_a_draft_until_issued_then_numbered_signed_and_refused_twice(
    tmp_path: Path,
) -> None:
    """Issue 20: no blank number on an issued report; a plain title; the parent body in
    full; "Lưu: VT, VPTT."; the signer chosen."""
    from docx import Document

    from vigil.core.documents.check import check_docx
    from vigil.org.models import Post, PostHolder

    period = obligations.open_period(_obligation(), day=dt.date(2026, 2, 1), actor=SEED).period
    draft = tmp_path / "draft.docx"
    work("reports", "consolidate", str(period.pk), "--as", "thuongtruc", "-o", str(draft))
    assert check_docx(draft.read_bytes()) == []
    texts = _texts(Document(str(draft)))
    assert "DỰ THẢO" in texts and "Số:      /BC-BCĐ" in texts
    assert "ỦY BAN NHÂN DÂN TỈNH QUẢNG NINH" in texts
    assert "Kết quả thử tháng 02/2026" in texts or any(t.startswith("Kết quả thử") for t in texts)
    assert "- Lưu: VT, VPTT." in texts and "- Như trên;" not in texts

    deputy = PostHolder.objects.get(
        post__committee=province(), post__kind=Post.Kind.STANDING_DEPUTY
    )
    issued = tmp_path / "issued.docx"
    out, _err = work("reports", "consolidate", str(period.pk), "--as", "thuongtruc",
                     "-o", str(issued), "--issue", "--signer", str(deputy.pk), "--form", "KT.",
                     "--to", "Ủy ban nhân dân tỉnh Quảng Ninh")  # fmt: skip
    period.refresh_from_db()
    document = period.report_document
    assert document is not None and out.startswith(f"Issued as {document.symbol}.")
    last = AuditEvent.objects.order_by("-seq").first()
    assert last is not None
    assert (last.action, last.object_id) == ("report_period.consolidation_issued", str(period.pk))
    assert last.after == {"report_document": document.pk, "symbol": document.symbol}
    assert check_docx(issued.read_bytes()) == []
    texts = _texts(Document(str(issued)))
    assert f"Số: {document.symbol}" in texts and "DỰ THẢO" not in texts
    assert "Kính gửi: Ủy ban nhân dân tỉnh Quảng Ninh." in texts
    assert "KT. TRƯỞNG BAN" in texts and deputy.holder_name in texts
    assert "- Như trên;" in texts
    again = refused("reports", "consolidate", str(period.pk), "--as", "thuongtruc",
                    "-o", str(issued), "--issue", "--signer", str(deputy.pk), "--form", "KT.")  # fmt: skip
    assert f"already issued as {document.symbol}" in str(again)
    assert IssuedDocument.objects.filter(subject=document.subject).count() == 1


def _texts(document: Any) -> list[str]:
    texts = [p.text for p in document.paragraphs]
    texts += [p.text for t in document.tables for c in t._cells for p in c.paragraphs]
    return [t for t in texts if t.strip()]
