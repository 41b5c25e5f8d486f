"""``vigil alerts``: the same services and scope as the pages, acting as a named user."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

from tests.situation.alerts.helpers import agency, committee, issued

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    from io import StringIO

    out = StringIO()
    call_command("alerts", *args, stdout=out)
    return out.getvalue()


def test_draft_approve_ack_and_board_from_the_command_line() -> None:
    out = run("draft", "--as", "thuongtruc", "--committee", str(committee().pk),
              "--event", "Đe dọa đánh bom", "--headline", "Đe dọa đánh bom tại ga",
              "--agency", str(agency("SCT").pk), "--agency", str(agency("BĐBP").pk),
              "--exercise", "--expires", "31/12/2026 23:00")  # fmt: skip
    pk = int(out.split("\n")[0].split(": ")[1])
    with pytest.raises(CommandError, match=r"soạn|drafted"):
        run("approve", str(pk), "--as", "thuongtruc")
    assert "issued" in run("approve", str(pk), "--as", "lanhdao")
    assert "Đe dọa đánh bom tại ga" in run("list", "--as", "congthuong")
    run("ack", str(pk), "--as", "congthuong", "--note", "Đã nhận")
    with pytest.raises(CommandError):
        run("ack", str(pk), "--as", "congthuong")
    board = json.loads(run("board", str(pk), "--as", "thuongtruc", "--json"))
    assert sorted(row["state"] for row in board)[0] == "acknowledged"


def test_ack_code_and_scope() -> None:
    alert = issued()
    code = alert.deliveries.get(agency=agency("BĐBP")).ack_code
    with pytest.raises(CommandError):
        run(
            "ack-code",
            str(alert.pk),
            "000000" if code != "000000" else "999999",
            "--as",
            "thuongtruc",
        )
    assert "Bộ đội Biên phòng" in run("ack-code", str(alert.pk), code, "--as", "thuongtruc")
    with pytest.raises(CommandError, match=r"No such alert|Không"):
        run("show", str(alert.pk), "--as", "xa_b")
    with pytest.raises(CommandError):
        run("list", "--as", "nobody")
