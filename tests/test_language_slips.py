"""The Vietnamese a user reads, where issue 19 found English codes, Python values or
the wrong word: units, the calendar, the audit page, system actors, a task's source
document, report acceptance, the signer list, unclassified objects, whole numbers and
store names."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from django import forms
from django.test import Client
from django.utils.translation import override

from vigil.controlled.ledger.forms import MovementForm
from vigil.controlled.models import ItemClass, Store, shown
from vigil.core import clock, labels
from vigil.core.audit import SystemActor
from vigil.org.templatetags.vigil_tags import role_label
from vigil.work.models import Task
from vigil.work.obligations.calendar_source import report_items

pytestmark = pytest.mark.django_db
Clients = Callable[[str], Client]


def test_pieces_are_cai_not_pcs() -> None:
    with override("vi"):
        assert shown(ItemClass.DETONATOR, 300) == "300 cái"
        assert shown(ItemClass.EXPLOSIVE, 12500) == "12,5 kg"


def test_a_report_due_on_the_calendar_is_named_in_vietnamese(
    client_for: Clients, persona: Callable[[str], Any]
) -> None:
    today = clock.today()
    for months in range(4):
        first = (today.replace(day=1) + dt.timedelta(days=32 * months)).replace(day=1)
        last = first + dt.timedelta(days=31)
        if list(report_items(persona("congthuong"), first, last)):
            break
    else:
        pytest.fail("the demo has no report due in the next four months")
    page = client_for("congthuong").get(f"/work/calendar/?month={first:%Y-%m}").content.decode()
    assert "Hạn báo cáo" in page
    assert "<td>report</td>" not in page


def test_the_audit_page_shows_labels_and_a_readable_change(client_for: Clients) -> None:
    page = client_for("kiemtoan").get("/audit/").content.decode()
    table = page.split('<table class="audit">')[1]
    assert "Hệ thống Vigil (dữ liệu mẫu)" in table
    assert "system:" not in table
    assert not re.search(r"<td>(standing_office|committee_leader|officer|auditor)</td>", table)
    assert not re.search(r"<td[^>]*>[a-z_]+\.[a-z_.]+ ", table)  # an action code as text
    assert not re.search(r">[a-z]+\.[a-z]+:\d+<", table)  # an object as app.model:pk
    assert "{'" not in table and "{&#x27;" not in table  # no Python dict
    assert '<table class="changes">' in table


def test_labels_read_a_change_field_by_field() -> None:
    with override("vi"):
        lines = labels.changes(
            "work.task",
            {"deadline": "2026-12-01", "priority": 1},
            {"deadline": "2026-12-15", "priority": 1},
        )
        assert [(c.field, c.before, c.after) for c in lines] == [
            ("Thời hạn", "2026-12-01", "2026-12-15")
        ]
        assert labels.object_type("work.task") == "Nhiệm vụ"
        (state,) = labels.changes("work.task", {"state": "done"}, {"state": "accepted"})
        assert (state.before, state.after) == (
            str(Task.State("done").label),
            str(Task.State("accepted").label),
        )
        assert "done" not in (state.before, state.after)
        assert role_label("standing_office") != "standing_office"
        assert labels.action("work.task.done") != "work.task.done"
        assert labels.actor(SystemActor("worker").label) == "Hệ thống Vigil (xử lý tự động)"
        assert labels.actor("thuongtruc (Trần Văn Hùng)") == "thuongtruc (Trần Văn Hùng)"


def test_a_task_page_names_its_source_document_actor_and_level(client_for: Clients) -> None:
    task = Task.objects.filter(document__isnull=False, classification=0).first()
    assert task is not None
    page = client_for("thuongtruc").get(f"/work/tasks/{task.pk}/").content.decode()
    assert "<dt>Văn bản giao</dt>" in page and "Chứng từ" not in page
    assert "system:seed" not in page
    assert re.search(r'<dt>Độ mật</dt><dd><span class="level-plain">Thường</span></dd>', page)


def test_a_report_is_received_with_one_word(client_for: Clients) -> None:
    from vigil.work.obligations.models import ReportSubmission, SubmissionState

    sub = ReportSubmission.objects.filter(state=SubmissionState.SUBMITTED).first()
    if sub is None:
        pytest.skip("no submitted report in the demo")
    page = client_for("thuongtruc").get(f"/work/reports/submissions/{sub.pk}/").content.decode()
    assert "Tiếp nhận" in page
    assert "Nghiệm thu" not in page
    with override("vi"):
        assert str(SubmissionState.ACCEPTED.label) == "Đã tiếp nhận"


def test_the_signing_posts_and_signers_are_told_apart(client_for: Clients) -> None:
    from vigil.accounts.models import User
    from vigil.work.forms import DocumentForm
    from vigil.work.queries import issuer_committees

    committee = issuer_committees(User.objects.get(username="thuongtruc")).get(level="province")
    form = DocumentForm(committee=committee, clearance=3)
    fields: Any = form.fields
    for name in ("signing_post", "signer"):
        shown_labels = [str(label) for _value, label in fields[name].choices][1:]
        assert len(shown_labels) == len(set(shown_labels)), (name, shown_labels)
    assert any("Ủy viên (" in label for _v, label in fields["signing_post"].choices)


def test_a_whole_number_is_so_nguyen() -> None:
    with override("vi"), pytest.raises(forms.ValidationError) as caught:
        forms.IntegerField().clean("1,5")
    assert caught.value.messages == ["Nhập một số nguyên."]


def test_no_store_is_called_kho_kho() -> None:
    store = Store.objects.filter(name__startswith="Kho").first()
    assert store is not None
    with override("vi"):
        form = MovementForm(store=store)
        counterpart: Any = form.fields["counterpart"]
        texts = [str(label) for _value, label in counterpart.choices]
        assert texts and not any("Kho: Kho" in t or "Kho Kho" in t for t in texts)
