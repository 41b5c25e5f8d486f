"""What an app adds to each recipient's e-mail (``register_actions(..., email=...)``):
asked when the worker builds the e-mail, with the targets that reached each user, so
a recipient's own line never sits in the text every recipient shares."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import pytest
from django.core import mail

from tests.inbox.helpers import make_unit
from vigil.inbox import actions
from vigil.inbox.delivery import deliver_pending, targets_reaching
from vigil.inbox.models import Kind
from vigil.inbox.services import AgencyRole, notify
from vigil.org.models import Role

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 11, 25, 3, 0, tzinfo=dt.UTC)


def test_targets_reaching_names_the_targets_that_brought_each_user() -> None:
    a, b = make_unit("ra", officers=2), make_unit("rb", officers=1)
    assert a.head is not None and b.head is not None
    n = notify([a.agency, AgencyRole(b.agency, Role.AGENCY_HEAD), a.officers[0]], "Họp")
    reached = targets_reaching(
        n, [a.officers[0].pk, a.officers[1].pk, b.officers[0].pk, b.head.pk], T0.date()
    )
    described = {
        uid: sorted((t.agency_id or 0, t.role, t.user_id or 0) for t in targets)
        for uid, targets in reached.items()
    }
    assert described[a.officers[0].pk] == [(0, "", a.officers[0].pk), (a.agency.pk, "", 0)]
    assert described[a.officers[1].pk] == [(a.agency.pk, "", 0)]
    assert described[b.head.pk] == [(b.agency.pk, Role.AGENCY_HEAD, 0)]
    assert described[b.officers[0].pk] == []  # only B's head was addressed


def test_each_recipient_reads_their_own_line_and_only_theirs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    a, b = make_unit("la", officers=2), make_unit("lb", officers=2)
    calls: list[int] = []

    def lines(notification: Any, reached: Mapping[int, Sequence[Any]]) -> dict[int, str]:
        calls.append(notification.pk)
        return {
            uid: " ".join(f"SECRET-{t.agency_id}" for t in targets if t.agency_id)
            for uid, targets in reached.items()
        }

    monkeypatch.setitem(actions._EMAIL_SOURCES, "org.agency", lines)
    n = notify([a.agency, b.agency], "Thông báo chung", about=a.agency, kind=Kind.INFO)
    assert "SECRET" not in n.body
    mail.outbox.clear()
    deliver_pending(T0)
    to = {m.to[0]: m.body for m in mail.outbox if m.to[0].startswith(("la_", "lb_"))}
    for unit, other in ((a, b), (b, a)):
        for member in [*unit.officers, unit.head]:
            assert member is not None
            assert f"SECRET-{unit.agency.pk}" in to[member.email]
            assert f"SECRET-{other.agency.pk}" not in to[member.email]
    assert len(to) == 6
    # Asked per batch of e-mail (at most 20), not per e-mail.
    assert 1 <= len(calls) <= 2 and set(calls) == {n.pk}


def test_a_classified_notification_never_asks_for_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    unit = make_unit("lc", officers=1, clearance=1)
    calls: list[int] = []

    def lines(notification: Any, reached: Mapping[int, Sequence[Any]]) -> dict[int, str]:
        calls.append(notification.pk)
        return dict.fromkeys(reached, "SECRET")

    monkeypatch.setitem(actions._EMAIL_SOURCES, "org.agency", lines)
    notify(unit.agency, "Mật", about=unit.agency, classification=1)
    mail.outbox.clear()
    deliver_pending(T0)
    mine = [m for m in mail.outbox if m.to[0].startswith("lc_")]
    assert len(mine) == 2 and not any("SECRET" in m.body for m in mine)
    assert calls == []
