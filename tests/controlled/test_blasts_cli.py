"""``vigil blasts list|show|open|results|close --as USER``: the same services and
scope as the pages, refusals as a clear Vietnamese message and exit code 1."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from vigil.controlled.blasts.demo import CLOSED_NUMBER, UNBALANCED_NUMBER
from vigil.controlled.models import Blast, LedgerEntry, Store
from vigil.org.models import Agency, ContactPoint

pytestmark = pytest.mark.django_db
MINE = "Công ty Cổ phần Than Demo Cẩm Phả"


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("blasts", *args, stdout=out)
    return out.getvalue()


def test_list_and_show_follow_the_users_scope() -> None:
    listed = _run("list", "--as", "congthuong")
    assert CLOSED_NUMBER in listed and UNBALANCED_NUMBER in listed
    assert "⚠ Không khớp" in listed
    off = _run("list", "--unbalanced", "--as", "kho_mo")
    assert UNBALANCED_NUMBER in off and CLOSED_NUMBER not in off
    blast = Blast.objects.get(number=UNBALANCED_NUMBER)
    shown = _run("show", str(blast.pk), "--as", "kho_mo")
    assert "chênh lệch 2 kg chưa rõ" in shown
    assert UNBALANCED_NUMBER not in _run("list", "--as", "xa_a")
    with pytest.raises(CommandError, match="Không có hộ chiếu nổ mìn"):
        _run("show", str(blast.pk), "--as", "xa_a")


def test_open_results_and_close() -> None:
    mine = Agency.objects.get(name=MINE)
    store = Store.objects.get(name="Kho VLNCN trung tâm Cẩm Phả")
    contact = ContactPoint.objects.filter(agency=mine).order_by("pk").first()
    assert contact is not None
    out = _run("open", "--as", "kho_mo", "--store", str(store.pk), "--number", "HCN-CLI",
               "--site", "Lò chợ +50", "--commune", str(mine.admin_unit_id),
               "--fired-at", "25/11/2026 08:30", "--person", str(contact.pk),
               "--line", "AN-NT13:20,5:kg", "--line", "KD-VN2:8")  # fmt: skip
    blast = Blast.objects.get(number="HCN-CLI")
    assert "HCN-CLI" in out
    nt13, det = blast.lines.order_by("pk")
    assert (nt13.issued, det.issued) == (20_500, 8)
    _run("results", str(blast.pk), "--as", "kho_mo",
         "--line", f"{nt13.pk}:20:0:kg", "--line", f"{det.pk}:8:0")  # fmt: skip
    entries = LedgerEntry.objects.count()
    with pytest.raises(CommandError, match="không khớp"):
        _run("close", str(blast.pk), "--as", "kho_mo")
    assert LedgerEntry.objects.count() == entries
    with pytest.raises(CommandError, match="Chỉ thủ kho"):
        _run("close", str(blast.pk), "--as", "congthuong", "--line", f"{nt13.pk}:20:0,5:kg")
    _run("close", str(blast.pk), "--as", "kho_mo", "--line", f"{nt13.pk}:20:0,5:kg")
    blast.refresh_from_db()
    assert blast.status == Blast.Status.CLOSED
    with pytest.raises(CommandError, match="đã được quyết toán"):
        _run("close", str(blast.pk), "--as", "kho_mo")


def test_an_unknown_user_and_a_bad_line_are_refused() -> None:
    with pytest.raises(CommandError, match="nobody"):
        _run("list", "--as", "nobody")
    blast = Blast.objects.get(number=UNBALANCED_NUMBER)
    with pytest.raises(CommandError, match="LINE_ID:USED:RETURNED"):
        _run("results", str(blast.pk), "--as", "kho_mo", "--line", "x:1")
