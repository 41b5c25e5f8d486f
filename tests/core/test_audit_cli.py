"""`vigil audit verify [--anchor SEQ:HASH]`: what an operator types and reads."""

from __future__ import annotations

import io
from dataclasses import dataclass

import pytest
from django.core.management import CommandError, call_command

from vigil.accounts.models import User
from vigil.accounts.services import create_token
from vigil.core.audit import SystemActor
from vigil.core.models import AuditEvent, AuditHead

pytestmark = pytest.mark.django_db


@dataclass
class Run:
    code: int
    out: str
    err: str


def vigil_audit(*args: str) -> Run:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("audit", *args, stdout=out, stderr=err)
    except SystemExit as exit_:
        code = exit_.code
        assert isinstance(code, int)
        return Run(code, out.getvalue(), err.getvalue())
    return Run(0, out.getvalue(), err.getvalue())


def printed_head(run: Run) -> str:
    [line] = [line for line in run.out.splitlines() if line.startswith("head ")]
    return line.removeprefix("head ")


def current_head() -> str:
    head = AuditHead.objects.get()
    return f"{head.seq}:{head.hash}"


def test_verify_exits_0_and_prints_the_head_of_the_fresh_demo() -> None:
    run = vigil_audit("verify")

    assert run.code == 0, run.err
    assert run.err == ""
    assert f"OK: {AuditEvent.objects.count()} events verified" in run.out
    assert printed_head(run) == current_head()


def test_verify_exits_1_naming_the_sequence_of_an_edited_event(no_triggers: None) -> None:
    assert vigil_audit("verify").code == 0
    AuditEvent.objects.filter(seq=40).update(after={"phone": "0999 999 999"})

    run = vigil_audit("verify")

    assert run.code == 1
    assert "BROKEN at sequence 40:" in run.err
    assert "39 events verified before it" in run.err
    assert printed_head(run) == current_head()


def test_verify_exits_1_naming_the_first_event_of_a_cut_tail(no_triggers: None) -> None:
    last = AuditHead.objects.get().seq
    AuditEvent.objects.filter(seq__gt=last - 2).delete()

    run = vigil_audit("verify")

    assert run.code == 1
    assert f"BROKEN at sequence {last - 1}:" in run.err


def test_the_head_it_prints_is_an_anchor_it_accepts_after_more_writes() -> None:
    anchor = printed_head(vigil_audit("verify"))
    create_token(User.objects.get(username="kiemtoan"), name="audit", actor=SystemActor("cli"))

    run = vigil_audit("verify", "--anchor", anchor)

    assert run.code == 0, run.err
    assert printed_head(run) == current_head() != anchor


def test_it_accepts_an_anchor_written_in_capitals() -> None:
    seq, digest = current_head().split(":")

    assert vigil_audit("verify", "--anchor", f"{seq}:{digest.upper()}").code == 0


def test_an_anchor_catches_a_cut_tail_that_moved_the_head_back(no_triggers: None) -> None:
    anchor = printed_head(vigil_audit("verify"))
    last = int(anchor.partition(":")[0])
    AuditEvent.objects.filter(seq__gt=last - 3).delete()
    kept = AuditEvent.objects.get(seq=last - 3)
    AuditHead.objects.filter(id=1).update(seq=kept.seq, hash=kept.hash)

    assert vigil_audit("verify").code == 0  # the shorter chain looks whole on its own
    run = vigil_audit("verify", "--anchor", anchor)

    assert run.code == 1
    assert f"BROKEN at sequence {last}: the anchored event is missing" in run.err


def test_an_anchor_with_another_hash_is_reported_as_broken() -> None:
    run = vigil_audit("verify", "--anchor", "5:" + "ab" * 32)

    assert run.code == 1
    assert "BROKEN at sequence 5: differs from the recorded anchor" in run.err


@pytest.mark.parametrize(
    "anchor",
    [
        pytest.param("112", id="no hash"),
        pytest.param("112:", id="empty hash"),
        pytest.param(":" + "a" * 64, id="no sequence"),
        pytest.param("head:" + "a" * 64, id="sequence not a number"),
        pytest.param("-1:" + "a" * 64, id="negative sequence"),
        pytest.param("²:" + "a" * 64, id="sequence not an ASCII number"),
        pytest.param("112:" + "a" * 63, id="hash too short"),
        pytest.param("112:" + "a" * 65, id="hash too long"),
        pytest.param("112:" + "g" * 64, id="hash not hexadecimal"),
        pytest.param("112 " + "a" * 64, id="wrong separator"),
    ],
)
def test_it_refuses_a_malformed_anchor_telling_what_to_type(anchor: str) -> None:
    with pytest.raises(CommandError, match="SEQ:HASH as printed by 'vigil audit verify'"):
        vigil_audit("verify", f"--anchor={anchor}")
