from typing import Any

from csp.decorators import csp_update
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import redirect
from django.utils import translation
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods
from drf_spectacular.views import SpectacularSwaggerSplitView

from vigil.core import errors
from vigil.core.confirm import confirm_page, safe_next
from vigil.core.pages import acting


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


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """400 (413 for a body over the size limit) in the API's error format under /api/;
    a 503 when the database was busy (saving the session then fails as a 400)."""
    if errors.caused_by_busy_database(exception):
        return errors.busy_response(request)
    if not request.path.startswith("/api/"):
        return defaults.bad_request(request, exception or Exception())
    # Reached when Django refused the request before the API view could answer itself.
    with translation.override(getattr(request, "LANGUAGE_CODE", None) or settings.LANGUAGE_CODE):
        if isinstance(exception, RequestDataTooBig):
            return errors.json_error("too_large", errors.too_large_message(), 413)
        return errors.json_error("bad_request", _("The request could not be read."), 400)


def server_error(request: HttpRequest) -> HttpResponse:
    """500 in the API's error format under /api/, the page elsewhere; a 503 when the
    database was busy (a lock met outside the view, e.g. saving the session)."""
    if errors.busy_in_flight():
        return errors.busy_response(request)
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


def attachment_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The file, when its parent is visible to the user and the file within clearance."""
    from vigil.core.attachments import download_response

    return download_response(request, pk)


@require_http_methods(["GET", "POST"])
def attachment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    from vigil.core.attachments import delete_attachment, may_attach, visible_attachment

    attachment, parent = visible_attachment(pk, request.user)
    if request.method == "GET":
        if not may_attach(request.user, parent):
            raise PermissionDenied
        back = safe_next(request)
        return confirm_page(
            request,
            title=_("Delete the file “%(name)s”?") % {"name": attachment.name},
            question=_("The file is removed from %(parent)s.") % {"parent": parent},
            details=[(_("File"), attachment.name)],
            warning=_("This cannot be undone from Vigil."),
            action=_("Delete the file"),
            cancel_url=back,
            next_url=back,
            shown=[attachment, parent],
            about=attachment,
        )
    delete_attachment(attachment, parent, actor=acting(request))
    messages.success(request, _("Attachment deleted."))
    return redirect(safe_next(request))
