"""Every persona's home and main pages on a phone (390×844) and a laptop (1366×768):
the page never scrolls sideways, the menu is reachable (behind the "Menu" button on the
phone, which works with our strict CSP and no script), and the current part is marked.

Screenshots of each persona's home at both widths are written to $VIGIL_ARTEFACT_DIR
when set, else to pytest's temporary folder (``<basetemp>/screenshots``); the path is
printed. They are an artefact of the run, never committed."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from vigil.org.demo import DEMO_PASSWORD

pytestmark = pytest.mark.browser

PERSONAS = [
    "lanhdao", "thuongtruc", "congthuong", "bienphong", "xa_a", "xa_b",
    "kiemtoan", "kho_mo", "quantri",
]  # fmt: skip
PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 768}
NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"


@pytest.fixture
def artefacts(tmp_path_factory: Any) -> Path:
    folder = Path(
        os.environ.get("VIGIL_ARTEFACT_DIR") or tmp_path_factory.getbasetemp() / "screenshots"
    )
    folder.mkdir(parents=True, exist_ok=True)
    print(f"screenshots in {folder}")
    return folder


def main_pages(page: Any) -> list[str]:
    """The main menu's pages, the pages the home page's panels link to (the duty roster,
    the filtered lists), and the sub-menu pages of each part (as the user sees them)."""
    urls: list[str] = []
    for href in page.locator("nav.main-nav a").evaluate_all("links => links.map(a => a.href)"):
        urls.append(href)
    origin = page.evaluate("location.origin")
    page.goto(f"{origin}/")
    for href in page.locator("main a").evaluate_all("links => links.map(a => a.href)"):
        if href.startswith(origin) and href not in urls:
            urls.append(href)
    for href in list(urls):
        page.goto(href)
        for sub in page.locator("nav.subnav a").evaluate_all("ls => ls.map(a => a.href)"):
            if sub not in urls:
                urls.append(sub)
    return urls


def sideways(page: Any) -> str:
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    return "" if page.evaluate(NO_SIDEWAYS_SCROLL) else f"{page.url} is {widths[0]}px wide"


def test_every_personas_pages_fit_a_phone_and_a_laptop(
    browser: Any, site: str, artefacts: Path
) -> None:
    problems: list[str] = []
    for username in PERSONAS:
        for name, viewport in (("390", PHONE), ("1366", LAPTOP)):
            context = browser.new_context(locale="vi-VN", viewport=viewport)
            page = context.new_page()
            page.set_default_timeout(10_000)
            sign_in(page, site, username, DEMO_PASSWORD)
            page.screenshot(path=str(artefacts / f"home-{username}-{name}.png"), full_page=True)
            menu_button = page.get_by_text("Menu", exact=True)
            nav = page.locator("nav.main-nav")
            if viewport is PHONE:
                # Collapsed behind the button; the button opens it, a link in it works.
                expect(nav).to_be_hidden()
                box = menu_button.bounding_box()
                assert box and box["height"] >= 44 and box["width"] >= 44, username
                menu_button.click()
                expect(nav).to_be_visible()
                for link in nav.locator("a").all():
                    height = link.bounding_box()["height"]
                    if height < 44:
                        problems.append(f"{username}: menu item {link.inner_text()} {height}px")
                nav.get_by_role("link", name="Hộp thư").click()
                page.wait_for_url(f"{site}/inbox/")
                expect(page.locator("nav.main-nav a[aria-current]")).to_have_count(1)
                menu_button.click()
                expect(page.locator("nav.main-nav a[aria-current]")).to_contain_text("Hộp thư")
            else:
                expect(menu_button).to_be_hidden()
                expect(nav).to_be_visible()
            pages = [f"{site}/", *main_pages(page)]
            for url in pages:
                response = page.goto(url)
                assert response is not None and response.status == 200, url
                if problem := sideways(page):
                    problems.append(f"{username} at {name}: {problem}")
            context.close()
    assert not problems, "\n".join(problems)


def test_the_phone_menu_opens_from_the_keyboard(page: Any, site: str) -> None:
    page.set_viewport_size(PHONE)
    sign_in(page, site, "xa_a")
    nav = page.locator("nav.main-nav")
    expect(nav).to_be_hidden()
    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Tab")  # the brand
    page.keyboard.press("Tab")  # the menu toggle
    page.keyboard.press("Space")
    expect(nav).to_be_visible()
    page.keyboard.press("Tab")
    expect(nav.get_by_role("link", name="Trang chủ")).to_be_focused()


def test_a_printed_page_keeps_the_classification_and_drops_the_menus(page: Any, site: str) -> None:
    sign_in(page, site, "thuongtruc")
    page.goto(f"{site}/work/tasks/")
    page.emulate_media(media="print")
    expect(page.locator(".banner-classification, .banner-classified").first).to_be_visible()
    expect(page.locator("nav.main-nav")).to_be_hidden()
    expect(page.locator("nav.subnav")).to_be_hidden()
    expect(page.locator("table").first).to_be_visible()
    assert page.pdf(format="A4")[:4] == b"%PDF"
