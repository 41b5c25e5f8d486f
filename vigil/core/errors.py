"""Faults that are neither the user's mistake nor a bug, answered plainly instead of a 500.

- A SQLite write lock held past the busy timeout (a long writer, a backup):
  503 with ``Retry-After``; the transaction that met the lock was rolled back.
- The attachments folder cannot be written: the upload is refused with a
  message (503 in the API) and nothing is recorded.

The API answers in its one error format (``vigil.core.api``), pages with a page.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils import formats, translation
from django.utils.translation import gettext as _

RETRY_AFTER_SECONDS = 5


class StorageUnavailable(ValidationError):
    """The file store refused a write. A ValidationError, so every page that shows an
    upload's refusal shows this one too; the API makes it a 503."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "The file could not be stored: Vigil's file storage cannot be written to. "
                "Nothing was saved. Tell the administrator."
            ),
            code="storage_unavailable",
        )


def database_busy(exc: BaseException | None) -> bool:
    """SQLite's answer when another connection held the write lock past the busy timeout."""
    return isinstance(exc, OperationalError) and "database is locked" in str(exc)


def busy_message() -> str:
    return _("Vigil is busy saving other changes. Please try again in a few seconds.")


def too_large_message() -> str:
    megabytes = round(settings.DATA_UPLOAD_MAX_MEMORY_SIZE / (1024 * 1024), 1)
    shown = int(megabytes) if megabytes.is_integer() else megabytes  # "2", "2,5"
    return _("The request is larger than %(mb)s MB, the most Vigil accepts.") % {
        "mb": formats.number_format(shown)
    }


def json_error(code: str, message: str, status: int) -> JsonResponse:
    """The API's error format, for answers given outside a DRF view."""
    return JsonResponse(
        {"error": {"code": code, "message": message, "fields": {}}},
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )


def busy_response(request: HttpRequest) -> HttpResponse:
    response: HttpResponse
    # Outside the language middleware (a lock met while saving the session) too.
    with translation.override(getattr(request, "LANGUAGE_CODE", None) or settings.LANGUAGE_CODE):
        if request.path.startswith("/api/"):
            response = json_error("busy", busy_message(), 503)
        else:
            # No context processors: they would read the database that is busy.
            page = loader.get_template("503.html").render({"message": busy_message()})
            response = HttpResponse(page, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def caused_by_busy_database(exc: BaseException | None) -> bool:
    """A busy database, or an error raised while handling one (saving the session
    turns it into SessionInterrupted, a 400)."""
    seen = 0
    while exc is not None and seen < 10:
        if database_busy(exc):
            return True
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return False


def busy_in_flight() -> bool:
    """In Django's 500 handler: was the exception being handled a busy database?"""
    return caused_by_busy_database(sys.exc_info()[1])


class DatabaseBusyMiddleware:
    """A view that met a held SQLite lock answers 503 (the 500 handler does the same
    for a lock met in a middleware, such as saving the session)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> Any:
        return busy_response(request) if database_busy(exception) else None
