"""Issue 23's map in Chromium: the seaport's plan is overdue and its marker says so;
a leader approves the new version waiting for approval, and the marker turns current.
Nothing is loaded from outside (no tiles by default, Leaflet served by Vigil)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.utils.translation import gettext, override
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from vigil.core.audit import SystemActor
from vigil.sites import demo, services
from vigil.sites.models import KeySite, Plan

pytestmark = pytest.mark.browser


def vi(text: str) -> str:
    with override("vi"):
        return gettext(text)


def marker_of(page: Any, site: KeySite) -> Any:
    expect(page.locator("#site-map")).to_have_attribute("data-loaded", "true")
    return page.locator(f"path.site-marker.site-{site.pk}")


def test_a_leader_approves_and_the_site_turns_current_on_the_map(page: Any, site: str) -> None:
    seaport = KeySite.objects.get(name=demo.SEAPORT)
    plan = Plan.objects.get(code_name="KB-CB 01")
    # The standing office drafted and submitted the review (its author is not the leader).
    actor = SystemActor("test")
    services.submit_version(services.add_version(plan, actor=actor), actor=actor)
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(site) else None)
    errors: list[str] = []  # a script error, a CSP refusal, a missing file (the browser's
    # own favicon.ico aside: Vigil has none)
    page.on("console", lambda m: errors.append(m.text) if m.type == "error"
            and not m.text.startswith("Failed to load resource") else None)  # fmt: skip
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("response", lambda r: errors.append(r.url) if r.status >= 400
            and not r.url.endswith("/favicon.ico") else None)  # fmt: skip

    sign_in(page, site, "lanhdao")
    page.get_by_role("link", name=vi("Site map")).click()
    expect(page.locator("h1")).to_have_text(vi("Map of key sites"))
    page.get_by_label(vi("Search (diacritics optional)")).fill("ha long")
    page.get_by_role("button", name=vi("Filter")).click()
    marker = marker_of(page, seaport)
    expect(marker).to_have_class(re.compile(r"\bstate-overdue\b"))
    expect(page.locator("#site-map")).to_have_class(re.compile(r"\bcolour-state\b"))
    page.get_by_label(vi("Risk"), exact=True).check()
    expect(page.locator("#site-map")).to_have_class(re.compile(r"\bcolour-risk\b"))

    marker.click()  # opens the site
    expect(page.locator("h1")).to_contain_text(demo.SEAPORT)
    page.get_by_role("link", name="KB-CB 01").click()
    page.get_by_label(vi("Decision number")).fill("131/QĐ-BCĐ")
    page.get_by_role("button", name=vi("Approve"), exact=True).click()
    expect(page.locator(".messages")).to_contain_text(vi("Version approved: it is in force."))

    page.get_by_role("link", name=vi("Site map")).click()
    page.get_by_label(vi("Search (diacritics optional)")).fill("ha long")
    page.get_by_role("button", name=vi("Filter")).click()
    expect(marker_of(page, seaport)).to_have_class(re.compile(r"\bstate-current\b"))
    assert outside == []
    assert errors == []
