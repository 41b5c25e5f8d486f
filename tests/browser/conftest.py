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


def sign_in(page: Any, site: str, username: str) -> None:
    page.goto(f"{site}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill("vigil-demo-2026")
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{site}/")
