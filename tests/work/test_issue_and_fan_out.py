"""Issuing a document: numbering, signing rules, fan-out to one task per agency."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from docx import Document

from tests.work.helpers import SEED, agency, days_from_today, directive, head, holder, province
from vigil.core import clock
from vigil.core.documents.decree30 import build_docx
from vigil.core.models import AuditEvent
from vigil.core.numbering import DocType
from vigil.org.models import Post
from vigil.work.documents import services as document_services
from vigil.work.documents.docx import official_document
from vigil.work.models import IssuedDocument, SigningForm, Task, TaskEvent
from vigil.work.tasks import services as task_services

pytestmark = pytest.mark.django_db


def test_fan_out_to_n_agencies_gives_n_tasks_each_with_its_own_state() -> None:
    agencies = [agency("dit"), agency("border"), agency("police_a"), agency("police_b")]
    document = directive(*agencies)
    tasks = list(document.tasks.order_by("pk"))
    assert len(tasks) == 4
    assert {t.assignee_id for t in tasks} == {a.pk for a in agencies}
    assert {t.state for t in tasks} == {Task.State.ASSIGNED}
    assert len({t.batch for t in tasks}) == 1
    task_services.acknowledge_task(tasks[0], actor=SEED)
    assert Task.objects.get(pk=tasks[0].pk).state == Task.State.ACKNOWLEDGED
    assert Task.objects.get(pk=tasks[1].pk).state == Task.State.ASSIGNED
    assert TaskEvent.objects.filter(task__in=tasks, type="assigned").count() == 4


def test_lead_and_supporting_agencies_get_one_task_each() -> None:
    tasks = task_services.assign_task(
        province(), lead=[agency("dit")], supporting=[agency("police"), agency("dit")],
        title="Kiểm tra kho", deadline=clock.today() + dt.timedelta(days=5), actor=SEED,
    )  # fmt: skip
    assert [(t.assignee.name, t.role) for t in tasks] == [
        ("Sở Công Thương", "lead"), ("Công an tỉnh Quảng Ninh", "support"),
    ]  # fmt: skip


def test_the_committee_register_numbers_the_document() -> None:
    first = directive(agency("dit"))
    second = directive(agency("dit"))
    assert second.number == first.number + 1
    assert second.symbol == f"{second.number:02d}/CT-BCĐ"
    assert AuditEvent.objects.filter(
        action="work.document.issued", object_id=str(second.pk)
    ).exists()


def test_a_number_given_on_paper_is_recorded_and_not_given_twice() -> None:
    nxt = directive(agency("dit")).number + 1
    doc = directive(agency("dit"), external_number=nxt)
    assert doc.external_number and doc.number == nxt
    count = IssuedDocument.objects.count()
    with pytest.raises(ValidationError, match="already been used"):
        directive(agency("dit"), external_number=nxt)
    assert IssuedDocument.objects.count() == count


def test_it_refuses_an_agency_outside_the_committee_tree() -> None:
    count = Task.objects.count()
    for outsider in ("mine", "mps"):
        with pytest.raises(ValidationError, match="outside the tree"):
            directive(agency("dit"), agency(outsider))
    assert Task.objects.count() == count
    # A commune committee cannot task a provincial department.
    with pytest.raises(ValidationError, match="outside the tree"):
        from tests.work.helpers import commune

        task_services.assign_task(commune("a"), lead=[agency("dit")], title="X",
                             deadline=dt.date(2027, 1, 1), actor=SEED)  # fmt: skip


def test_it_refuses_a_deadline_before_the_date_of_issue() -> None:
    count = IssuedDocument.objects.count()
    with pytest.raises(ValidationError, match="before the date of issue"):
        directive(agency("dit"), issue_date=dt.date(2026, 11, 20), deadline=dt.date(2026, 11, 19))
    assert IssuedDocument.objects.count() == count


def test_a_deadline_in_working_days_skips_the_weekend() -> None:
    # Friday 20 November 2026 + 1 working day = Monday 23 November.
    doc = directive(agency("dit"), issue_date=dt.date(2026, 11, 20), working_days=1)
    task = doc.tasks.get()
    assert task.deadline == dt.date(2026, 11, 23)
    assert task.deadline_working_days == 1


def test_a_deputy_signing_for_a_post_they_do_not_hold_is_refused() -> None:
    p = province()
    deputy = holder(p, Post.Kind.STANDING_DEPUTY)
    count = IssuedDocument.objects.count()
    for form in (SigningForm.DIRECT, SigningForm.TM):
        with pytest.raises(ValidationError, match="does not hold the post"):
            document_services.issue_document(
                p, doc_type=DocType.KE_HOACH, subject="X", issue_date=dt.date(2026, 11, 20),
                signing_post=head(p), signer=deputy, signing_form=form, actor=SEED,
            )  # fmt: skip
    # KT. for the head is for deputies only: an ordinary member may not.
    member = holder(p, Post.Kind.MEMBER)
    with pytest.raises(ValidationError, match="Only a deputy head"):
        document_services.issue_document(
            p, doc_type=DocType.KE_HOACH, subject="X", issue_date=dt.date(2026, 11, 20),
            signing_post=head(p), signer=member, signing_form=SigningForm.KT, actor=SEED,
        )  # fmt: skip
    assert IssuedDocument.objects.count() == count


def test_only_the_standing_office_issues(persona: Callable[[str], Any]) -> None:
    with pytest.raises(PermissionDenied):
        directive(agency("dit"), actor=persona("congthuong"))
    with pytest.raises(PermissionDenied):
        directive(agency("dit"), actor=persona("xa_a"))
    assert directive(agency("dit"), actor=persona("thuongtruc")).tasks.count() == 1


def test_nobody_classifies_above_their_clearance(persona: Callable[[str], Any]) -> None:
    with pytest.raises(ValidationError, match="above your own clearance"):
        directive(agency("dit"), actor=persona("thuongtruc"), classification=2)


def test_the_docx_has_the_decree_30_header_number_date_and_signature() -> None:
    document = directive(agency("dit"), issue_date=dt.date(2026, 1, 5))
    data = build_docx(official_document(document))
    text = "\n".join(
        [p.text for p in Document(io.BytesIO(data)).paragraphs]
        + [c.text for t in Document(io.BytesIO(data)).tables for r in t.rows for c in r.cells]
    )
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert f"Số: {document.symbol}" in text
    assert "ngày 05 tháng 01 năm 2026" in text
    assert "KT. TRƯỞNG BAN" in text
    assert "Phạm Quốc Đạt" in text
    assert "Rà soát mục tiêu trọng điểm." in text


def test_the_register_starts_again_each_year_and_the_same_symbol_is_allowed() -> None:
    """Review: numbers restart every year (the register is per year) but the symbol
    ("01/CT-BCĐ", no year in it) was unique per committee for ever, so the first
    directive of a new year failed with an IntegrityError (a 500)."""
    this_year = directive(agency("dit"), issue_date=days_from_today(-5))
    first = directive(agency("dit"), issue_date=dt.date(days_from_today(0).year + 1, 1, 5))
    assert first.number == 1
    assert (
        IssuedDocument.objects.filter(
            owning_committee=this_year.owning_committee, symbol=first.symbol
        ).count()
        == 2
    )  # the demo's 01/CT-BCĐ of this year and that of the next


def test_a_deadline_in_working_days_past_the_calendar_is_refused_not_a_500() -> None:
    """Review: a document dated 31/12/9999 with a deadline in working days gave a 500."""
    count = IssuedDocument.objects.count()
    with pytest.raises(ValidationError, match="outside the calendar"):
        directive(agency("dit"), issue_date=dt.date(9999, 12, 31), working_days=5)
    assert IssuedDocument.objects.count() == count
