"""Browser tests: Playwright driving Debian's Chromium against a live server.

Playwright's sync API runs an event loop in the test thread; Django refuses
database work there unless told it is safe (it is: one thread uses it).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

from vigil.org.demo import DEMO_PASSWORD

CHROMIUM = os.environ.get("VIGIL_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not shutil.which(CHROMIUM):
        pytest.fail(
            f"Chromium is missing at {CHROMIUM}: apt-get install chromium "
            "(or skip browser tests explicitly with VIGIL_TEST_SKIP=browser)."
        )
    from playwright.sync_api import sync_playwright

    # Set here, not at import, so the other test runs keep Django's guard.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run",
            ],
        )  # fmt: skip
        yield chromium
        chromium.close()


@pytest.fixture
def site(live_server: Any, transactional_db: None) -> str:
    """The live server, with the demo province (a previous browser test's flush emptied it)."""
    from vigil.home.demo import is_seeded, seed_demo

    if not is_seeded():
        seed_demo()
    return str(live_server.url)


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    # An English browser: Vigil must still answer in Vietnamese.
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def sign_in(page: Any, site: str, username: str, password: str = DEMO_PASSWORD) -> None:
    page.goto(f"{site}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{site}/")


def totp_code(key: bytes, steps_ahead: int = 0) -> str:
    """The authenticator app's code. A later 30-second step is still inside the device's
    tolerance: that is how a second sign-in within one step avoids the (refused) replay."""
    from django_otp.oath import totp

    return f"{totp(key, drift=steps_ahead):06d}"


def enrol_authenticator(page: Any) -> bytes:
    """From any signed-in page: set up the authenticator app as a user would (scan = read
    the key shown), keep the recovery codes; return the key."""
    from base64 import b32decode

    from playwright.sync_api import expect

    page.get_by_title("Tài khoản của tôi").click()
    page.get_by_role("link", name="Thiết lập ứng dụng xác thực").click()
    expect(page.get_by_role("img", name="Mã QR cho ứng dụng xác thực")).to_be_visible()
    key = b32decode(page.locator("code.secret").inner_text().replace(" ", ""))
    page.get_by_label("Mã trên ứng dụng").fill(totp_code(key))
    page.get_by_role("button", name="Xác nhận").click()
    expect(page.locator("h1")).to_have_text("Mã khôi phục của đồng chí")
    expect(page.locator(".codes li")).to_have_count(10)
    page.get_by_role("link", name="Tôi đã lưu các mã").click()
    return key


def watch(page: Any, site: str, outside: list[str], errors: list[str]) -> None:
    """Collect what a flow must not meet: requests to outside hosts (``outside``), script
    errors and CSP refusals, server errors and 403/404 answers (``errors``). A refused
    form answers 400 on purpose (the browser logs it as a failed resource): not an error."""
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(site) else None)
    page.on("console", lambda m: errors.append(m.text) if m.type == "error"
            and not m.text.startswith("Failed to load resource") else None)  # fmt: skip
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 500
            or (r.status in (403, 404) and not r.url.endswith("/favicon.ico")) else None)  # fmt: skip
