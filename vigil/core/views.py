from typing import Any

from csp.decorators import csp_update
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from drf_spectacular.views import SpectacularSwaggerSplitView


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database reachability; no login, no data."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """404 in the API's one error format under /api/, the page elsewhere."""
    if request.path.startswith("/api/"):
        error: dict[str, Any] = {"code": "not_found", "message": _("Not found."), "fields": {}}
        return JsonResponse({"error": error}, status=404)
    return defaults.page_not_found(request, exception or Exception())


def server_error(request: HttpRequest) -> HttpResponse:
    """500 in the API's error format under /api/, the page elsewhere."""
    if request.path.startswith("/api/"):
        error: dict[str, Any] = {
            "code": "server_error",
            "message": _("A server error occurred."),
            "fields": {},
        }
        return JsonResponse({"error": error}, status=500)
    return defaults.server_error(request)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """settings.CSRF_FAILURE_VIEW: Django's own page carries inline style (refused by our
    CSP) and talks to developers; this one tells the user what to do."""
    from django.shortcuts import render

    message = _(
        "The form had expired or came from elsewhere. Go back, reload the page and try again."
    )
    return render(request, "403.html", {"csrf_message": message}, status=403)


@method_decorator(csp_update({"img-src": ["data:"]}), name="dispatch")
class ApiDocsView(SpectacularSwaggerSplitView):
    """The API docs: scripts from drf-spectacular-sidecar, none inline (Swagger's own
    icons are data: images, allowed on this page only)."""

    template_name = "api_docs.html"
