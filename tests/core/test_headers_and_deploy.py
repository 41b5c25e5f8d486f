"""Every page carries the security headers and a CSP without unsafe-inline or unsafe-eval;
production settings pass Django's deploy check."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.http import HttpResponseBase
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.test_scope_every_url import (
    ADMIN_URLS,
    DETAIL_URLS,
    EXPORT_URLS,
    NESTED_URLS,
    POST_URLS,
    REPORT_OUTPUT_URLS,
    ROLE_URLS,
    WRITE_URLS,
)
from vigil.accounts.models import User
from vigil.accounts.services import create_token
from vigil.controlled.counts.models import Discrepancy, StockCount
from vigil.controlled.models import (
    Balance,
    Inspection,
    Item,
    LedgerEntry,
    Licence,
    OrganisationProfile,
    Store,
    Transfer,
)
from vigil.core.audit import SystemActor
from vigil.core.models import AdminUnit, Attachment, Holiday
from vigil.inbox.models import InboxEntry
from vigil.org.models import (
    Agency,
    ClearanceRequest,
    Committee,
    ContactPoint,
    DutyShift,
    MemberAgency,
    Membership,
    Post,
    PostHolder,
    RoleRequest,
)
from vigil.reports.models import Commendation, SummaryReport
from vigil.situation.models import Alert, FlashReport, Incident
from vigil.work.models import IncomingDocument, IssuedDocument, Meeting, Task, WorkPlan
from vigil.work.obligations.models import ReportObligation, ReportPeriod, ReportSubmission

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def _patterns(resolver: URLResolver, prefix: str = "") -> dict[str, URLPattern]:
    found: dict[str, URLPattern] = {}
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            found |= _patterns(pattern, ns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            found[prefix + pattern.name] = pattern
    return found


def every_url(user: User) -> list[str]:
    """One concrete URL for every named URL of the site: objects the user may see where
    there are any (else any object: its 404 page must carry the headers too)."""
    models: dict[str, Any] = {
        "committee": Committee, "agency": Agency, "contact": ContactPoint, "post": Post,
        "holder": PostHolder, "member": MemberAgency, "dutyshift": DutyShift,
        "item": Item, "licence": Licence, "store": Store, "balance": Balance,
        "movement": LedgerEntry, "task": Task, "document": IssuedDocument, "plan": WorkPlan,
        "meeting": Meeting, "incoming": IncomingDocument,
        "report_obligation": ReportObligation,
        "report_submission": ReportSubmission, "report_period": ReportPeriod,
        "organisation": OrganisationProfile, "inspection": Inspection,
        "transfer": Transfer, "incident": Incident, "alert": Alert,
        "count": StockCount, "discrepancy": Discrepancy,
        "summary_report": SummaryReport, "commendation": Commendation,
    }  # fmt: skip
    objects: dict[str, Any] = {
        kind: model.objects.visible_to(user).first() or model.objects.first()
        for kind, model in models.items()
    }
    others: dict[str, Any] = {
            "adminunit": AdminUnit, "user": User, "membership": Membership,
            "clearance": ClearanceRequest, "attachment": Attachment, "holiday": Holiday,
            "inbox_entry": InboxEntry, "rolerequest": RoleRequest, "flash_report": FlashReport,
    }  # fmt: skip
    objects |= {kind: model.objects.first() for kind, model in others.items()}
    objects["token"] = create_token(user, name="walk", actor=SystemActor("test"))[0]
    kinds = {
        **DETAIL_URLS,
        **EXPORT_URLS,
        **{name: kind for name, (kind, _arg) in (WRITE_URLS | POST_URLS).items()},
        **{name: kind for name, kind in ADMIN_URLS.items() if kind},
        "accounts:token_revoke": "token",
        "work:calendar_feed": "calendar_feed",  # none: a guessed token is 404
        "situation:alert_feed": "calendar_feed",
        "situation:incident_move": "incident",
        "api-user-deactivate": "user", "api-user-unlock": "user",
        "api-user-reset-second-factor": "user", "api-user-clearance": "user",
        "api-clearancerequest-approve": "clearance", "api-clearancerequest-reject": "clearance",
        "api-rolerequest-approve": "rolerequest", "api-rolerequest-reject": "rolerequest",
        "api-reportobligation-open-period": "report_obligation",
        "api-reportsubmission-submit": "report_submission",
        "api-reportsubmission-return": "report_submission",
        "api-reportsubmission-accept": "report_submission",
        **{name: kind for name, (kind, _kwargs) in NESTED_URLS.items()},
        **dict.fromkeys(REPORT_OUTPUT_URLS, "summary_report"),
    }  # fmt: skip
    urls = []
    for name, pattern in _patterns(get_resolver()).items():
        args = list(pattern.pattern.regex.groupindex)
        if name in ROLE_URLS:
            kwargs = ROLE_URLS[name][0]()
        elif name in NESTED_URLS and objects.get(kinds[name]) is not None:
            kwargs = NESTED_URLS[name][1](objects[kinds[name]])
        elif args:
            # No such object in the demo: the 404 page must carry the headers too.
            obj = objects.get(kinds[name])
            kwargs = dict.fromkeys(args, obj.pk if obj is not None else 999_999)
        else:
            kwargs = {}
        urls.append(reverse(name, kwargs=kwargs) if kwargs else reverse(name))
    return urls


def test_the_walk_covers_every_named_url(persona: Callable[[str], User]) -> None:
    urls = every_url(persona("lanhdao"))
    assert len(urls) == len(_patterns(get_resolver())) > 80


def assert_secure_headers(response: HttpResponseBase, url: str) -> None:
    csp = response.get("Content-Security-Policy", "")
    directives = dict(
        [*part.strip().split(" ", 1), ""][:2] for part in csp.split(";") if part.strip()
    )
    assert directives.get("default-src") == "'self'", url
    assert directives.get("script-src") == "'self'", url
    assert directives.get("style-src") == "'self'", url
    assert directives.get("frame-ancestors") == "'none'", url
    assert directives.get("base-uri") == "'none'", url
    assert directives.get("form-action") == "'self'", url
    assert directives.get("object-src") == "'none'", url
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, url
    assert response.get("X-Frame-Options") == "DENY", url
    assert response.get("X-Content-Type-Options") == "nosniff", url
    assert response.get("Referrer-Policy") == "same-origin", url
    assert response.get("Cross-Origin-Opener-Policy") == "same-origin", url


INLINE = [
    # A script without src; a JSON data block (json_script) is data, never run.
    re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I),
    re.compile(r"<style[\s>]", re.I),
    re.compile(r"\sstyle=", re.I),
    re.compile(r"\son[a-z]+=", re.I),  # onclick=, onload=, ...
    re.compile(r"\shx-on", re.I),
    re.compile(r"javascript:", re.I),
]


def assert_nothing_inline(response: Any, url: str) -> None:
    if not response.get("Content-Type", "").startswith("text/html"):
        return
    body = response.content.decode()
    for pattern in INLINE:
        assert not pattern.search(body), (url, pattern.pattern)


@pytest.mark.parametrize("username", ["lanhdao", "xa_a", "kho_mo"])
def test_every_page_carries_the_headers_and_a_strict_csp(
    username: str, client_for: Callable[[str], Client], persona: Callable[[str], User]
) -> None:
    client = client_for(username)
    checked = 0
    for url in every_url(persona(username)):
        for response in (client.get(url), client.get(url, headers={"HX-Request": "true"})):
            assert_secure_headers(response, url)
            assert_nothing_inline(response, url)
            checked += 1
    assert checked > 30


def test_pages_for_anonymous_users_carry_them_too(
    client: Client, persona: Callable[[str], User]
) -> None:
    for url in [*every_url(persona("xa_a")), "/no-such-page/", "/api/v1/nothing/"]:
        response = client.get(url)
        assert_secure_headers(response, url)
        assert_nothing_inline(response, url)


def test_the_api_docs_use_only_their_own_scripts(client_for: Callable[[str], Client]) -> None:
    client = client_for("xa_a")
    response = client.get("/api/docs/")
    assert response.status_code == 200
    body = response.content.decode()
    scripts = re.findall(r'<script src="([^"]+)"', body)
    assert len(scripts) == 3 and all(src.startswith("/") for src in scripts)
    assert "data:" in response["Content-Security-Policy"]  # Swagger's icons, this page only
    script = client.get(scripts[-1])
    assert script.status_code == 200 and "/api/schema/" in script.content.decode()
    assert "data:" not in client.get("/").get("Content-Security-Policy", "")


def test_a_failed_csrf_check_gets_a_vietnamese_page_without_inline_style(
    persona: Callable[[str], User],
) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(persona("xa_a"))
    response = client.post("/accounts/me/password/", {"old_password": "x"})
    assert response.status_code == 403
    assert "Biểu mẫu đã hết hạn" in response.content.decode()
    assert_nothing_inline(response, "csrf")
    assert_secure_headers(response, "csrf")


def test_htmx_is_version_2_and_configured_for_a_strict_csp(client: Client) -> None:
    body = client.get("/accounts/login/").content.decode()
    assert re.search(r'<script src="/static/django_htmx/htmx-2(\.min)?\.js"', body)
    config = re.search(r"<meta name=\"htmx-config\" content='([^']+)'>", body)
    assert config is not None
    assert '"includeIndicatorStyles":false' in config.group(1)
    assert '"allowEval":false' in config.group(1)
    css = (ROOT / "vigil/core/static/vigil/vigil.css").read_text()
    assert ".htmx-indicator" in css


# --- Production settings, in a process of their own.

PRODUCTION_ENV = {
    "VIGIL_ENV": "production",
    "SECRET_KEY": "k9$Vq2!xLm#8pR4tZw6&Yb1@Nc7^Hd3*Jf5(Gs0)Ue-Ai_Oo=Ql+Tr~Ws",
    "VIGIL_AUDIT_KEY": "a" * 48,
    "ALLOWED_HOSTS": "vigil.example.gov.vn",
}


def run_in_production(
    args: list[str], tmp_path: Path, **env: str
) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("VIGIL_", "SECRET_KEY", "ALLOWED_HOSTS", "PYTEST", "DATABASE_URL",
                             "DJANGO_SETTINGS_MODULE", "SECURE_"))
    }  # fmt: skip
    return subprocess.run(
        args,
        env={**clean, **PRODUCTION_ENV, "VIGIL_DATA_DIR": str(tmp_path), **env},
        capture_output=True, text=True, check=False, cwd=tmp_path,
    )  # fmt: skip


def test_the_deploy_check_passes_in_production(tmp_path: Path) -> None:
    vigil = Path(sys.executable).parent / "vigil"
    result = run_in_production(
        [str(vigil), "check", "--deploy", "--fail-level", "WARNING"], tmp_path
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_turn_every_protection_on(tmp_path: Path) -> None:
    code = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME, "
        "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, "
        "s.VIGIL_MFA_REQUIRED, s.DEBUG, list(s.SECURE_PROXY_SSL_HEADER or [])]))"
    )
    result = run_in_production(
        [sys.executable, "-c", code], tmp_path,
        DJANGO_SETTINGS_MODULE="vigil.settings", VIGIL_TRUSTED_PROXY="10.0.0.1",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        '[31536000, "__Host-sessionid", "__Host-csrftoken", true, true, true, "roles", false, '
        '["HTTP_X_FORWARDED_PROTO", "https"]]'
    )


def test_the_proxy_ssl_header_comes_from_the_environment(tmp_path: Path) -> None:
    code = "import django; django.setup(); from django.conf import settings as s; print(s.SECURE_PROXY_SSL_HEADER)"
    result = run_in_production(
        [sys.executable, "-c", code], tmp_path,
        DJANGO_SETTINGS_MODULE="vigil.settings", SECURE_PROXY_SSL_HEADER="HTTP_X_SCHEME,https",
    )  # fmt: skip
    assert result.stdout.strip() == "('HTTP_X_SCHEME', 'https')", result.stderr


def test_production_refuses_to_run_without_a_second_factor(tmp_path: Path) -> None:
    result = run_in_production(
        [sys.executable, "-c", "import django; django.setup()"], tmp_path,
        DJANGO_SETTINGS_MODULE="vigil.settings", VIGIL_MFA_REQUIRED="off",
    )  # fmt: skip
    assert result.returncode != 0
    assert "VIGIL_MFA_REQUIRED" in result.stderr
