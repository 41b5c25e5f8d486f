"""The inbox page, its polled unread count, mark read, the API, and the holiday table."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.inbox.helpers import SYSTEM, make_unit
from vigil.core import scheduler
from vigil.core.models import AuditHead, Holiday
from vigil.core.workdays import seed_holidays
from vigil.inbox.delivery import deliver_pending
from vigil.inbox.models import InboxEntry, Kind, Notification
from vigil.inbox.services import UNREAD_CAP, notify

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 11, 25, 3, 0, tzinfo=dt.UTC)


def _send(user: Any, subject: str, kind: str = Kind.INFO, url: str = "") -> InboxEntry:
    n = notify(user, subject, kind=kind, url=url)
    deliver_pending(T0)
    return InboxEntry.objects.get(notification=n, user=user)


def test_the_demo_personas_have_something_in_their_inbox(persona: Callable[[str], Any]) -> None:
    for username in ("lanhdao", "thuongtruc", "congthuong", "bienphong", "xa_a", "kho_mo"):
        assert InboxEntry.objects.filter(user=persona(username)).exists(), username


def test_the_inbox_lists_filters_and_marks_read(
    persona: Callable[[str], Any], client_for: Callable[[str], Client]
) -> None:
    user = persona("congthuong")
    task = _send(user, "Nộp báo cáo quý IV", Kind.TASK, url="/agencies/")
    info = _send(user, "Thông báo lịch họp", Kind.INFO)
    client = client_for("congthuong")
    page = client.get(reverse("inbox:index")).content.decode()
    assert "Nộp báo cáo quý IV" in page and 'href="/agencies/"' in page
    page = client.get(reverse("inbox:index") + "?kind=task").content.decode()
    assert "Nộp báo cáo quý IV" in page and "Thông báo lịch họp" not in page

    response = client.post(reverse("inbox:mark_read", args=[task.pk]))
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.read_at is not None
    assert "Nộp báo cáo quý IV" not in client.get(reverse("inbox:index")).content.decode()
    assert (
        "Nộp báo cáo quý IV" in client.get(reverse("inbox:index") + "?state=all").content.decode()
    )

    client.post(reverse("inbox:mark_all_read"))
    assert not InboxEntry.objects.filter(user=user, read_at__isnull=True).exists()
    info.refresh_from_db()
    assert info.read_at is not None


def test_another_users_entry_is_not_found(
    persona: Callable[[str], Any],
    client_for: Callable[[str], Client],
    api_for: Callable[..., Client],
) -> None:
    entry = _send(persona("xa_b"), "Riêng của xã B")
    assert client_for("xa_a").post(reverse("inbox:mark_read", args=[entry.pk])).status_code == 404
    api = api_for("xa_a", "write")
    assert api.post(f"/api/v1/notifications/{entry.pk}/read/").status_code == 404
    ids = {r["id"] for r in api.get("/api/v1/notifications/?page_size=500").json()["results"]}
    assert entry.pk not in ids
    entry.refresh_from_db()
    assert entry.read_at is None


def test_a_lowered_clearance_hides_what_it_no_longer_covers(
    persona: Callable[[str], Any],
    client_for: Callable[[str], Client],
    api_for: Callable[..., Client],
) -> None:
    user = persona("bienphong")  # Mật
    n = notify(user, "Phương án mật cửa khẩu", classification=1)
    deliver_pending(T0)
    entry = InboxEntry.objects.get(notification=n, user=user)
    assert (
        "Phương án mật cửa khẩu"
        in client_for("bienphong").get("/inbox/?state=all").content.decode()
    )
    user.clearance = 0
    user.save(update_fields=["clearance"])
    assert (
        "Phương án mật cửa khẩu"
        not in client_for("bienphong").get("/inbox/?state=all").content.decode()
    )
    api = api_for("bienphong", "write")
    ids = {r["id"] for r in api.get("/api/v1/notifications/?page_size=500").json()["results"]}
    assert entry.pk not in ids
    assert api.post(f"/api/v1/notifications/{entry.pk}/read/").status_code == 404


def test_the_api_lists_own_notifications_and_marks_one_read(
    persona: Callable[[str], Any], api_for: Callable[..., Client]
) -> None:
    entry = _send(persona("bienphong"), "Kiểm tra đường dây nóng")
    api = api_for("bienphong", "write")
    rows = api.get("/api/v1/notifications/?unread=true").json()["results"]
    assert entry.pk in {r["id"] for r in rows}
    body = api.post(f"/api/v1/notifications/{entry.pk}/read/").json()
    assert body["read"] is True and body["subject"] == "Kiểm tra đường dây nóng"
    rows = api.get("/api/v1/notifications/?unread=true").json()["results"]
    assert entry.pk not in {r["id"] for r in rows}


def test_the_polled_count_is_one_query_and_writes_no_audit_event(
    persona: Callable[[str], Any], client_for: Callable[[str], Client],
    django_assert_num_queries: Any,
) -> None:  # fmt: skip
    user = persona("xa_a")
    _send(user, "Một")
    _send(user, "Hai")
    unread = InboxEntry.objects.filter(user=user, read_at__isnull=True).count()
    client = client_for("xa_a")
    head = AuditHead.objects.get().seq
    url = reverse("inbox:unread_count") + "?poll=1"
    response = client.get(url, headers={"HX-Request": "true"})
    assert response.content.decode() == str(unread)
    assert AuditHead.objects.get().seq == head
    # The session, the user, the count: nothing else.
    with django_assert_num_queries(3):
        client.get(url, headers={"HX-Request": "true"})


def _pile_up(user: Any, count: int, classification: int = 0, read: bool = False) -> None:
    """``count`` more entries for ``user``, unread unless ``read`` (bulk rows: only the
    count is tested)."""
    notes = Notification.objects.bulk_create(
        Notification(subject=f"Thông báo {i}", classification=classification, created_at=T0,
                     delivered_at=T0)
        for i in range(count)
    )  # fmt: skip
    InboxEntry.objects.bulk_create(
        InboxEntry(notification=n, user=user, created_at=T0, read_at=T0 if read else None)
        for n in notes
    )


def test_the_badge_counts_to_99_then_says_99_plus_without_counting_the_rest(
    persona: Callable[[str], Any], client_for: Callable[[str], Client]
) -> None:
    user = persona("xa_a")
    InboxEntry.objects.filter(user=user).update(read_at=T0)
    client = client_for("xa_a")
    url = reverse("inbox:unread_count") + "?poll=1"
    _pile_up(user, 99)
    _pile_up(user, 5, classification=1)  # above xa_a's clearance: never counted
    assert client.get(url, headers={"HX-Request": "true"}).content.decode() == "99"
    page = client.get(reverse("home:index")).content.decode()
    assert '?poll=1" hx-trigger="every 60s" hx-swap="innerHTML">99</span>' in page
    _pile_up(user, 1)
    assert client.get(url, headers={"HX-Request": "true"}).content.decode() == "99+"
    _pile_up(user, 150)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, headers={"HX-Request": "true"}).content.decode() == "99+"
    (count,) = [q["sql"] for q in ctx.captured_queries if "COUNT(" in q["sql"].upper()]
    assert "LIMIT 100" in count.upper()  # the 250 unread are not all counted
    page = client.get(reverse("home:index")).content.decode()
    assert '?poll=1" hx-trigger="every 60s" hx-swap="innerHTML">99+</span>' in page


def test_the_statistics_sweep_lets_sqlite_count_only_the_unread(
    persona: Callable[[str], Any],
) -> None:
    user = persona("xa_a")
    _pile_up(user, 300, read=True)
    _pile_up(user, 3)
    analysed = scheduler.run_sweep_now("inbox.statistics", T0)
    if connection.vendor != "sqlite":
        assert analysed == 0  # autovacuum's work on PostgreSQL
        return
    assert analysed == 1
    unread = InboxEntry.objects.of(user).filter(read_at__isnull=True)[:UNREAD_CAP]
    sql, params = unread.values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        plan = " ".join(row[3] for row in cursor.fetchall())
    # Not inbox_entry_user_idx, which walks the 300 read entries as well.
    assert "USING INDEX inbox_unread_idx" in plan, plan


def test_the_header_polls_without_filters_or_inline_handlers(
    client_for: Callable[[str], Client],
) -> None:
    page = client_for("xa_a").get(reverse("home:index")).content.decode()
    assert 'hx-trigger="every 60s"' in page
    assert "?poll=1" in page
    assert "hx-on" not in page and "every 60s [" not in page


def test_signed_out_polling_is_told_to_stop(client: Client) -> None:
    response = client.get(reverse("inbox:unread_count") + "?poll=1")
    assert response.status_code == 286


# --- Holidays


def test_an_administrator_adds_and_deletes_a_holiday(client_for: Callable[[str], Client]) -> None:
    client = client_for("quantri")
    response = client.post(
        reverse("inbox:holidays"),
        {"date": "15/06/2027", "name": "Nghỉ bù theo quyết định", "kind": "holiday"},
    )
    assert response.status_code == 302
    holiday = Holiday.objects.get(date=dt.date(2027, 6, 15))
    assert client.post(reverse("inbox:holiday_delete", args=[holiday.pk])).status_code == 302
    assert not Holiday.objects.filter(date=dt.date(2027, 6, 15)).exists()


def test_a_second_holiday_on_a_date_is_refused_in_vietnamese(
    client_for: Callable[[str], Client],
) -> None:
    seed_holidays([2027], actor=SYSTEM)
    before = (Holiday.objects.count(), AuditHead.objects.get().seq)
    response = client_for("quantri").post(
        reverse("inbox:holidays"), {"date": "06/02/2027", "name": "Trùng", "kind": "holiday"}
    )
    assert response.status_code == 400
    assert "Ngày này đã có trong bảng ngày nghỉ." in response.content.decode()
    assert (Holiday.objects.count(), AuditHead.objects.get().seq) == before


def test_only_administrators_change_the_holiday_table(
    client_for: Callable[[str], Client], persona: Callable[[str], Any]
) -> None:
    seed_holidays([2027], actor=SYSTEM)
    holiday = Holiday.objects.filter(date__year=2027).first()
    assert holiday is not None
    client = client_for("thuongtruc")
    assert client.get(reverse("inbox:holidays") + "?year=2027").status_code == 200
    response = client.post(
        reverse("inbox:holidays"), {"date": "16/06/2027", "name": "X", "kind": "holiday"}
    )
    assert response.status_code == 403
    assert client.post(reverse("inbox:holiday_delete", args=[holiday.pk])).status_code == 403
    assert Holiday.objects.filter(pk=holiday.pk).exists()
    # A commune's administrator does not move the whole province's deadlines.
    from vigil.org import services
    from vigil.org.models import Agency, Committee

    commune_admin = persona("xa_a")
    services.grant_membership(
        commune_admin, agency=Agency.objects.get(name="Công an đặc khu Vân Đồn"),
        role="administrator", committee=Committee.objects.get(name__endswith="Vân Đồn"),
        valid_from=dt.date(2025, 7, 1), actor=SYSTEM,
    )  # fmt: skip
    client = client_for("xa_a")
    assert client.post(reverse("inbox:holiday_delete", args=[holiday.pk])).status_code == 403
    assert client_for("quantri").post(
        reverse("inbox:holiday_delete", args=[holiday.pk])
    ).status_code in (200, 302)
    assert not Holiday.objects.filter(pk=holiday.pk).exists()


def test_the_api_lists_holidays_by_year(api_for: Callable[..., Client]) -> None:
    seed_holidays([2027], actor=SYSTEM)
    rows = api_for("xa_a").get("/api/v1/holidays/?year=2027&page_size=500").json()["results"]
    assert {"date": "2027-02-06", "kind": "holiday"}.items() <= next(
        r for r in rows if r["date"] == "2027-02-06"
    ).items()
    _ = make_unit  # the helpers module is shared with the other inbox tests


@pytest.mark.parametrize("url", ["/inbox/?state=all", "/api/v1/notifications/"])
def test_the_inbox_costs_the_same_queries_for_more_rows(
    url: str, persona: Callable[[str], Any], client_for: Callable[[str], Client]
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for("kho_mo")
    client.get(url)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    before = count()
    for i in range(10):
        _send(persona("kho_mo"), f"Thông báo {i}")
    assert count() == before
