"""Issue 24's flow in Chromium: the standing office drafts an alert, a leader approves
it, the Department of Industry and Trade finds it in its inbox as an alert and
acknowledges it with a note, and the board the standing office opened before that
shows the acknowledgement by itself (htmx polling, no reload). Three users, three
browser contexts."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.utils.translation import gettext, override
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from vigil.accounts.models import User
from vigil.core import clock
from vigil.inbox.delivery import deliver_pending
from vigil.situation.alerts.models import Alert, AlertState
from vigil.situation.incidents.models import Incident

pytestmark = pytest.mark.browser

HEADLINE = "Đe dọa đánh bom tại kho vật liệu nổ mỏ Hà Tu"
DIT = "Sở Công Thương"
PROVINCE = "Ban Chỉ đạo Phòng, chống khủng bố tỉnh Quảng Ninh"
NOTE = "Đã nhận, đã cử lực lượng kiểm tra kho"
POLL_MS = 15_000  # the board polls every 5 s: three chances


def vi(text: str) -> str:
    with override("vi"):
        return gettext(text)


@contextmanager
def signed_in(browser: Any, site: str, username: str) -> Iterator[Any]:
    """A page in a browser context of its own (its own cookies): one user each."""
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400
                and not r.url.endswith("/favicon.ico") else None)  # fmt: skip
        sign_in(page, site, username)
        yield page
        assert errors == [], username
    finally:
        context.close()


def board_row(page: Any, recipient: str) -> Any:
    return page.locator("#board tr.ack-row", has_text=recipient)


def draft_the_alert(page: Any) -> None:
    page.get_by_role("link", name=vi("Situation"), exact=True).click()
    page.locator("nav.subnav").get_by_role("link", name=vi("Alerts"), exact=True).click()
    page.get_by_role("link", name=vi("New alert"), exact=True).click()
    expect(page.locator("h1")).to_have_text(vi("New alert"))
    page.get_by_label(vi("Committee"), exact=True).select_option(label=PROVINCE)
    page.get_by_label(vi("Headline"), exact=True).press_sequentially(HEADLINE)
    page.get_by_label(vi("Event"), exact=True).press_sequentially("Đe dọa đánh bom")
    page.get_by_label(vi("Event code"), exact=True).press_sequentially("BOMB")
    page.get_by_label(vi("Urgency"), exact=True).select_option("Immediate")
    page.get_by_label(vi("Severity"), exact=True).select_option("Severe")
    page.get_by_label(vi("Certainty"), exact=True).select_option("Likely")
    page.get_by_label(vi("Description"), exact=True).press_sequentially(
        "Nhận được cuộc gọi đe dọa đặt bom tại kho vật liệu nổ."
    )
    page.get_by_label(vi("Instruction"), exact=True).press_sequentially(
        "Kiểm tra ngay kho, báo cáo kết quả về Thường trực Ban Chỉ đạo."
    )
    page.get_by_label(vi("Area"), exact=True).press_sequentially("Phường Hà Tu, TP Hạ Long")
    # The recipients: narrow the long list as a user does, then tick the department.
    agencies = page.locator("fieldset", has=page.locator("#choices-addressed_agencies"))
    agencies.get_by_label(vi("Filter the list")).press_sequentially("công thương")
    agencies.get_by_label(DIT, exact=True).check()
    page.get_by_role("button", name=vi("Save draft")).click()
    expect(page.locator(".messages")).to_contain_text(vi("Alert drafted: a leader approves it."))
    expect(page.locator("h1")).to_have_text(HEADLINE)


def test_drafted_approved_acknowledged_and_the_open_board_shows_it(browser: Any, site: str) -> None:
    with signed_in(browser, site, "thuongtruc") as office:
        draft_the_alert(office)
        alert = Alert.objects.get(headline=HEADLINE)
        assert alert.state == AlertState.DRAFT
        assert list(alert.addressed_agencies.values_list("name", flat=True)) == [DIT]

        with signed_in(browser, site, "lanhdao") as leader:
            leader.goto(f"{site}/situation/alerts/")
            leader.get_by_role("link", name=HEADLINE).click()
            leader.get_by_role("link", name=vi("Approve and send")).click()
            expect(leader.locator("h1")).to_contain_text(vi("Approve and send"))
            expect(leader.locator(".confirm ul")).to_contain_text(DIT)
            leader.get_by_role("button", name=vi("Approve and send")).click()
            expect(leader.locator(".messages")).to_contain_text(
                vi("Alert approved and sent to every recipient.")
            )
        alert.refresh_from_db()
        assert alert.state == AlertState.ISSUED

        # The standing office opens the board before anyone acknowledges.
        office.goto(f"{site}/situation/alerts/{alert.pk}/")
        office.get_by_role("link", name=vi("Live board")).click()
        row = board_row(office, DIT)
        expect(row).to_have_attribute("data-state", "sending")  # the worker has not run
        office.evaluate("window.openedBeforeTheAcknowledgement = true")

        deliver_pending(clock.now(), mail=False)  # the worker puts it into the inboxes
        expect(row).to_have_attribute("data-state", "delivered", timeout=POLL_MS)
        with signed_in(browser, site, "congthuong") as dit:
            dit.get_by_role("link", name=re.compile(vi("Inbox"))).first.click()
            entry = dit.locator("tr", has=dit.get_by_role("link", name=re.compile(HEADLINE)))
            expect(entry).to_have_count(1)
            expect(entry).to_have_class(re.compile(r"\bpriority-high\b"))  # Immediate
            expect(entry.get_by_role("button", name=vi("Acknowledge"), exact=True)).to_be_visible()
            entry.get_by_role("link", name=re.compile(HEADLINE)).click()
            expect(dit.locator("h1")).to_have_text(HEADLINE)
            # Opened by a member of the department: the standing office's board says read.
            expect(row).to_have_attribute("data-state", "read", timeout=POLL_MS)
            dit.get_by_label(vi("Note (optional)")).press_sequentially(NOTE)
            dit.get_by_role(
                "button", name=vi("Acknowledge for %(recipient)s") % {"recipient": DIT}
            ).click()
            expect(dit.locator(".messages")).to_contain_text(
                vi("Acknowledged for %(recipient)s.") % {"recipient": DIT}
            )

        # The board, never reloaded, catches up by itself.
        expect(row).to_have_attribute("data-state", "acknowledged", timeout=POLL_MS)
        expect(row).to_contain_text(NOTE)
        expect(office.locator("#board .ack-summary")).to_contain_text("(100%)")
        assert office.evaluate("window.openedBeforeTheAcknowledgement") is True
    delivery = alert.deliveries.get()
    assert delivery.acknowledged_by is not None
    assert delivery.acknowledged_by.username == "congthuong"
    assert delivery.ack_note == NOTE


PHONE = {"width": 390, "height": 844}
SIDEWAYS = "[document.documentElement.scrollWidth, window.innerWidth]"


@pytest.mark.parametrize("username", ["thuongtruc", "congthuong"])
def test_the_alert_page_and_the_board_fit_a_phone(browser: Any, site: str, username: str) -> None:
    """Every demo alert the user sees (real, exercise, escalated, acknowledged), its page
    and its live board, and every incident page, at 390 px: nothing scrolls sideways
    (wide tables scroll inside themselves)."""
    context = browser.new_context(locale="vi-VN", viewport=PHONE)
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        sign_in(page, site, username)
        seen = list(
            Alert.objects.visible_to(User.objects.get(username=username))
            .filter(state=AlertState.ISSUED)
            .values_list("pk", flat=True)
        )
        assert seen
        problems = []
        for pk in seen:
            for url in (f"{site}/situation/alerts/{pk}/", f"{site}/situation/alerts/{pk}/board/"):
                response = page.goto(url)
                assert response is not None and response.status == 200, url
                expect(page.locator("#board")).to_be_visible()
                width, inner = page.evaluate(SIDEWAYS)
                if width > PHONE["width"]:
                    problems.append(f"{url} is {width}px wide ({inner})")
        # And the incident pages, which now list their flash reports and alerts.
        for pk in Incident.objects.visible_to(User.objects.get(username=username)).values_list(
            "pk", flat=True
        ):
            url = f"{site}/situation/incidents/{pk}/"
            response = page.goto(url)
            assert response is not None and response.status == 200, url
            width, inner = page.evaluate(SIDEWAYS)
            if width > PHONE["width"]:
                problems.append(f"{url} is {width}px wide ({inner})")
        assert not problems, "\n".join(problems)
    finally:
        context.close()
