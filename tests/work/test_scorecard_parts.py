"""The scorecard's fast path: visibility split in two disjoint parts, days late kept by
the database, and figures equal to a count made the slow, obvious way."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.work.helpers import SEED, agency, commune, province
from vigil.core import clock, scheduler
from vigil.core.classification import Classification
from vigil.core.paging import CappedPaginator
from vigil.org.models import ContactPoint
from vigil.org.scope import committees_with_role, scope_for
from vigil.org.services import create_contact_point
from vigil.work import scorecard
from vigil.work import services as work_services
from vigil.work.models import Task
from vigil.work.tasks import queries as task_queries
from vigil.work.tasks import services as task_services

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")
PERSONAS = ["lanhdao", "thuongtruc", "congthuong", "bienphong", "xa_a", "xa_b", "kiemtoan",
            "kho_mo", "quantri"]  # fmt: skip
START = dt.date(2027, 3, 1)


def _on(day: dt.date) -> Any:
    return time_machine.travel(dt.datetime.combine(day, dt.time(9), VN), tick=False)


def _mixed_tasks() -> None:
    """Tasks a persona reaches through its committee and through its agency alone: the
    province assigns to a commune's police, a commune assigns to its own police, some
    classified, some done early or late, some overdue, one cancelled."""
    police_a, police_b, dit = agency("police_a"), agency("police_b"), agency("dit")
    with _on(START):
        made = [
            *task_services.assign_task(province(), lead=[police_a, dit], supporting=[police_b],
                                  title="Tỉnh giao", deadline=START + dt.timedelta(days=5),
                                  actor=SEED),
            *task_services.assign_task(commune("a"), lead=[police_a], title="Xã giao",
                                  deadline=START + dt.timedelta(days=3), actor=SEED),
            *task_services.assign_task(province(), lead=[dit], title="Mật",
                                  deadline=START + dt.timedelta(days=4), actor=SEED,
                                  classification=Classification.CONFIDENTIAL),
            *task_services.assign_task(commune("b"), lead=[police_b], title="Huỷ",
                                  deadline=START + dt.timedelta(days=9), actor=SEED),
        ]  # fmt: skip
    task_services.cancel_task(made[-1], reason="Không cần", actor=SEED)
    for task, late_by in zip(made[:4], (-2, 0, 3, 6), strict=True):
        with _on(task.deadline + dt.timedelta(days=late_by)):
            task_services.acknowledge_task(task, actor=SEED)
            task_services.report_done(task, actor=SEED)
    task_services.accept_task(made[0], actor=SEED)
    task_services.accept_task(made[2], actor=SEED)  # accepted though late; made[1] and [3] wait


@pytest.mark.parametrize("username", PERSONAS)
def test_the_two_parts_are_disjoint_and_make_up_what_the_user_sees(
    persona: Callable[[str], Any], username: str
) -> None:
    _mixed_tasks()
    user = persona(username)
    owned, rest = Task.objects.visible_in_parts(user)
    owned_ids, rest_ids = (
        set(owned.values_list("pk", flat=True)),
        set(rest.values_list("pk", flat=True)),
    )
    assert not owned_ids & rest_ids
    assert owned_ids | rest_ids == set(Task.objects.visible_to(user).values_list("pk", flat=True))


def test_the_rest_is_not_read_when_no_committee_outside_the_users_owns_a_row(
    persona: Callable[[str], Any],
) -> None:
    _mixed_tasks()  # every task lies in the province or one of its communes
    owned, rest = Task.objects.visible_in_parts(persona("thuongtruc"))
    assert rest.query.is_empty() and owned.exists()
    # A commune's standing office: the province's tasks reach it as their assignee.
    owned, rest = Task.objects.visible_in_parts(persona("xa_a"))
    assert not rest.query.is_empty()
    assert {t.owning_committee_id for t in rest} == {province().pk}


def _shared_from_commune_b() -> dict[str, ContactPoint]:
    """Rows that commune B owns and shares with an agency or a committee elsewhere."""
    police_a, police_b = agency("police_a"), agency("police_b")
    return {
        label: create_contact_point(police_b, label=label, shared_agencies=agencies,
                                    shared_committees=committees, actor=SEED)
        for label, agencies, committees in (
            ("to A's police", [police_a], []),
            ("to commune A", [], [commune("a")]),
            ("to the border guard", [agency("border")], []),
            ("to the province", [], [province()]),
        )
    }  # fmt: skip


@pytest.mark.parametrize("username", PERSONAS)
def test_shares_across_committees_fall_in_exactly_one_part(
    persona: Callable[[str], Any], username: str
) -> None:
    _shared_from_commune_b()
    user = persona(username)
    owned, rest = ContactPoint.objects.visible_in_parts(user)
    owned_ids = set(owned.values_list("pk", flat=True))
    rest_ids = set(rest.values_list("pk", flat=True))
    assert not owned_ids & rest_ids
    assert owned_ids | rest_ids == set(
        ContactPoint.objects.visible_to(user).values_list("pk", flat=True)
    )


def test_a_commune_sees_another_communes_shares_in_the_rest(
    persona: Callable[[str], Any],
) -> None:
    made = _shared_from_commune_b()
    owned, rest = ContactPoint.objects.visible_in_parts(persona("xa_a"))
    shared = {made["to A's police"].pk, made["to commune A"].pk}
    assert shared <= set(rest.values_list("pk", flat=True))
    assert not shared & set(owned.values_list("pk", flat=True))
    owned, rest = ContactPoint.objects.visible_in_parts(persona("thuongtruc"))
    assert made["to the province"].pk in set(owned.values_list("pk", flat=True))


@pytest.mark.parametrize("username", PERSONAS)
def test_the_issued_view_is_what_the_user_sees_of_their_committees_tasks(
    persona: Callable[[str], Any], username: str
) -> None:
    _mixed_tasks()
    user = persona(username)
    issuers = committees_with_role(user, *work_services.ISSUER_ROLES)
    expected = Task.objects.visible_to(user).filter(owning_committee_id__in=issuers)
    assert set(task_queries.issued_tasks(user)) == set(expected)


@pytest.mark.parametrize("username", PERSONAS)
def test_my_tasks_are_what_the_user_sees_assigned_to_their_agencies(
    persona: Callable[[str], Any], username: str
) -> None:
    _mixed_tasks()
    user = persona(username)
    mine = Task.objects.visible_to(user).filter(assignee_id__in=scope_for(user).agency_ids)
    assert set(Task.objects.visible_through(user, "assignee")) == set(mine)


def test_only_a_foreign_key_that_grants_sight_narrows_visibility(
    persona: Callable[[str], Any],
) -> None:
    for name in ("shared_agencies", "owning_committee"):
        with pytest.raises(ValueError, match=name):
            Task.objects.visible_through(persona("xa_a"), name)


def _by_hand(user: Any, today: dt.date) -> dict[str, tuple[int, int, int, int, int, float | None]]:
    figures: dict[str, tuple[int, int, int, int, int, float | None]] = {}
    tasks = Task.objects.visible_to(user).exclude(state="cancelled").select_related("assignee")
    for name in {t.assignee.name for t in tasks}:
        mine = [t for t in tasks if t.assignee.name == name]
        done = [t for t in mine if t.state == "accepted"]
        late = [(t.done_on - t.deadline).days for t in done if t.done_on and t.done_on > t.deadline]
        figures[name] = (
            len(mine),
            len(done),
            sum(1 for t in mine if t.state == "done"),
            sum(1 for t in done if t.done_on and t.done_on <= t.deadline),
            sum(1 for t in mine if t.state in Task.OPEN_STATES and t.deadline < today),
            statistics.median(late) if late else None,
        )
    return figures


@pytest.mark.parametrize("username", PERSONAS)
def test_scorecard_equals_the_figures_counted_by_hand(
    persona: Callable[[str], Any], username: str
) -> None:
    _mixed_tasks()
    user = persona(username)
    day = START + dt.timedelta(days=8)
    with _on(day):
        rows = scorecard.scorecard(user)
    got = {r.agency.name: (r.assigned, r.done, r.awaiting, r.on_time, r.overdue,
                           r.median_days_late)
           for r in rows}  # fmt: skip
    assert got == _by_hand(user, day)


def test_days_late_follows_done_on_and_the_deadline() -> None:
    dit = agency("dit")
    with _on(START):
        (task,) = task_services.assign_task(province(), lead=[dit], title="Việc",
                                       deadline=START + dt.timedelta(days=5), actor=SEED)  # fmt: skip
    assert Task.objects.get(pk=task.pk).days_late is None
    task_services.acknowledge_task(task, actor=SEED)
    with _on(START + dt.timedelta(days=8)):
        task_services.report_done(task, actor=SEED)
    assert Task.objects.get(pk=task.pk).days_late == 3 == task.days_late
    task_services.return_task(task, reason="Chưa đủ", actor=SEED)
    assert Task.objects.get(pk=task.pk).days_late is None
    with _on(START + dt.timedelta(days=2)):
        task_services.report_done(task, actor=SEED)
    assert Task.objects.get(pk=task.pk).days_late == -3


def test_days_late_follow_a_deadline_moved_after_the_task_was_done() -> None:
    with _on(START):
        (task,) = task_services.assign_task(province(), lead=[agency("dit")], title="Việc",
                                       deadline=START + dt.timedelta(days=5), actor=SEED)  # fmt: skip
        task_services.update_task(task, deadline=START + dt.timedelta(days=6), priority=1,
                             description="", actor=SEED)  # fmt: skip
    assert Task.objects.get(pk=task.pk).days_late is None  # open: still NULL
    task_services.acknowledge_task(task, actor=SEED)
    with _on(START + dt.timedelta(days=9)):
        task_services.report_done(task, actor=SEED)
        assert Task.objects.get(pk=task.pk).days_late == 3
        for moved_to, late in ((12, -3), (1, 8)):
            task_services.update_task(task, deadline=START + dt.timedelta(days=moved_to), priority=1,
                                 description="", actor=SEED)  # fmt: skip
            assert Task.objects.get(pk=task.pk).days_late == late == task.days_late


def test_the_database_refuses_days_late_that_disagree_with_the_dates() -> None:
    with _on(START):
        (task,) = task_services.assign_task(province(), lead=[agency("dit")], title="Việc",
                                       deadline=START + dt.timedelta(days=5), actor=SEED)  # fmt: skip
    with pytest.raises(IntegrityError), transaction.atomic():
        Task.objects.filter(pk=task.pk).update(days_late=4)
    with pytest.raises(IntegrityError), transaction.atomic():
        Task.objects.filter(pk=task.pk).update(done_on=F("deadline"))  # days_late left NULL


@settings(deadline=None)  # a loaded CI machine is not a slow median
@given(st.lists(st.integers(min_value=1, max_value=400), min_size=1, max_size=60))
def test_median_from_counts_equals_statistics_median(values: list[int]) -> None:
    assert scorecard._median(Counter(values)) == statistics.median(values)


def test_median_of_nothing_is_none() -> None:
    assert scorecard._median(Counter()) is None


def test_the_statistics_sweep_analyses_the_task_table_on_sqlite() -> None:
    analysed = scheduler.run_sweep_now("work.statistics", clock.now())
    if connection.vendor != "sqlite":
        assert analysed == 0  # autovacuum's work on PostgreSQL
        return
    assert analysed == 1
    with connection.cursor() as cursor:
        cursor.execute("SELECT idx FROM sqlite_stat1 WHERE tbl = 'work_task'")
        assert "work_task_scorecard_idx" in {row[0] for row in cursor.fetchall()}


def test_a_long_task_list_counts_up_to_the_cap_and_says_so(
    client_for: Callable[[str], Any],
    persona: Callable[[str], Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _mixed_tasks()
    client = client_for("thuongtruc")
    issued = task_queries.issued_tasks(persona("thuongtruc")).count()
    monkeypatch.setattr(CappedPaginator, "CAP", issued - 1)
    capped = client.get("/work/tasks/?view=issued").content.decode()
    assert f"Chỉ phân trang {issued - 1} nhiệm vụ đầu tiên" in capped  # Vietnamese by default
    # Exactly as many tasks as the cap: every one is paged through, none lies beyond.
    monkeypatch.setattr(CappedPaginator, "CAP", issued)
    assert "Chỉ phân trang" not in client.get("/work/tasks/?view=issued").content.decode()


def test_the_capped_count_says_capped_only_when_rows_lie_beyond_the_cap(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _mixed_tasks()
    total = Task.objects.count()
    for cap, count, capped in ((total - 1, total - 1, True), (total, total, False),
                               (total + 1, total, False)):  # fmt: skip
        monkeypatch.setattr(CappedPaginator, "CAP", cap)
        paginator = CappedPaginator(Task.objects.order_by("deadline", "pk"), 2)
        assert (paginator.count, paginator.capped) == (count, capped), cap
