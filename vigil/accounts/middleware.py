"""Request-wide account rules: session timeouts, the second factor, the user's language.

Vietnamese unless the user chose otherwise.

Django's LocaleMiddleware follows the browser's Accept-Language; an official's
browser in English would then get English pages. Vigil's rule is simpler: the
signed-in user's saved language, else the language cookie, else Vietnamese.
"""

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from vigil.accounts import mfa, services
from vigil.core import clock

SUPPORTED = {code for code, _name in settings.LANGUAGES}


class UserLanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        chosen = getattr(user, "language", "") if user and user.is_authenticated else ""
        chosen = chosen or request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in SUPPORTED else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        # A token user's language is only known inside the API view.
        response.headers.setdefault("Content-Language", translation.get_language() or language)
        translation.deactivate()
        return response


def _go_to(request: HttpRequest, url: str) -> HttpResponse:
    """A redirect an HTMX request follows as a whole page (HX-Redirect), others as a 302."""
    if request.headers.get("HX-Request") == "true":
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return HttpResponseRedirect(url)


def _is_polling(request: HttpRequest) -> bool:
    """Background polling (``?poll=1``, e.g. the inbox count) is not the user being active."""
    return request.method == "GET" and request.GET.get("poll") == "1"


class SessionTimeoutMiddleware:
    """End a session after 30 idle minutes or 8 hours, whichever comes first.

    The last activity is kept in the session and rewritten at most once a
    minute (so a page view costs no session write); polling does not count.
    """

    TOUCH_EVERY = 60.0

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        now = clock.now().timestamp()
        session = request.session
        started = session.get(services.STARTED_KEY)
        seen = session.get(services.SEEN_KEY)
        if started is None or seen is None:
            # A session begun without sign_in (a test's force_login): its clocks start now.
            session[services.STARTED_KEY] = started = now
            session[services.SEEN_KEY] = seen = now
        reason = ""
        if now - float(started) > settings.VIGIL_ABSOLUTE_TIMEOUT.total_seconds():
            reason = "absolute"
        elif now - float(seen) > settings.VIGIL_IDLE_TIMEOUT.total_seconds():
            reason = "idle"
        if reason:
            services.sign_out(request, reason=reason)
            messages.info(request, _("Your session has ended. Please sign in again."))
            login_url = resolve_url(settings.LOGIN_URL)
            next_path = request.get_full_path() if request.method == "GET" else ""
            if (
                next_path
                and not _is_polling(request)
                and request.headers.get("HX-Request") != "true"
            ):
                login_url += "?" + urlencode({"next": next_path})
            return _go_to(request, login_url)
        if not _is_polling(request) and now - float(seen) >= self.TOUCH_EVERY:
            session[services.SEEN_KEY] = now
        return self.get_response(request)


class SecondFactorMiddleware:
    """A session that still owes its second factor reaches only the pages that take it."""

    ALWAYS = {"accounts:login", "accounts:logout", "accounts:language", "healthz"}
    ALLOWED = {
        mfa.VERIFY: ALWAYS | {"accounts:mfa_verify"},
        mfa.ENROL: ALWAYS | {"accounts:mfa_enrol"},
    }

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        pending = request.session.get(mfa.PENDING_KEY)
        if not pending:
            return None
        match = request.resolver_match
        name = match.view_name if match else ""
        # Named, not "every view that needs no login": DRF's views say they need none.
        if name in self.ALLOWED.get(pending, set()):
            return None
        target = reverse("accounts:mfa_verify" if pending == mfa.VERIFY else "accounts:mfa_enrol")
        if request.path.startswith("/api/"):
            return JsonResponse(
                {"error": {"code": "not_authenticated",
                           "message": _("Give your second factor first."), "fields": {}}},
                status=401,
            )  # fmt: skip
        return _go_to(request, target)
