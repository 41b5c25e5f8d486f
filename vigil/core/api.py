"""What every API endpoint shares: pagination and one error format.

Errors are ``{"error": {"code": ..., "message": ..., "fields": {...}}}`` with
the message in the request's language.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import (
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from vigil.core import errors
from vigil.core.parsers import NestedTooDeeply


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    def get_page_size(self, request: Any) -> int:
        # DRF quietly ignores a bad page_size; say so instead of guessing.
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not re.fullmatch(r"[0-9]{1,4}", raw) or not 1 <= int(raw) <= self.max_page_size:
            raise exceptions.ValidationError(
                {
                    self.page_size_query_param: [
                        _("A whole number from 1 to %(max)s.") % {"max": self.max_page_size}
                    ]
                }
            )
        return int(raw)

    def get_page_number(self, request: Any, paginator: Any) -> Any:
        raw = request.query_params.get(self.page_query_param)
        if (
            raw is not None
            and raw not in self.last_page_strings
            and not re.fullmatch(r"[0-9]{1,9}", raw)
        ):
            raise exceptions.ValidationError(
                {self.page_query_param: [_("A page number: 1, 2, 3…")]}
            )
        return super().get_page_number(request, paginator)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] |= {"minimum": 1, "maximum": self.max_page_size}
            if parameter["name"] == self.page_query_param:
                parameter["schema"] |= {"minimum": 1}
        return parameters


def error_response(
    code: str, message: str, status_code: int, headers: dict[str, str] | None = None
) -> Response:
    return Response(
        {"error": {"code": code, "message": message, "fields": {}}},
        status=status_code,
        headers=headers,
    )


def _fault_response(exc: Exception) -> Response | None:
    """Refusals of the whole request that DRF leaves to Django (whose answer is an
    HTML page or a 500): too deep, too large, too many fields, a busy database, a
    file store that cannot be written."""
    if isinstance(exc, NestedTooDeeply):
        return error_response("nested_too_deeply", str(exc.detail), status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, RequestDataTooBig):
        return error_response(
            "too_large", errors.too_large_message(), status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
        )
    if isinstance(exc, TooManyFieldsSent | TooManyFilesSent):
        message = _("The request has more fields or files than Vigil accepts.")
        return error_response("too_many_fields", message, status.HTTP_400_BAD_REQUEST)
    if errors.database_busy(exc):
        return error_response(
            "busy",
            errors.busy_message(),
            status.HTTP_503_SERVICE_UNAVAILABLE,
            {"Retry-After": str(errors.RETRY_AFTER_SECONDS)},
        )
    if isinstance(exc, errors.StorageUnavailable):
        return error_response(
            "storage_unavailable", exc.messages[0], status.HTTP_503_SERVICE_UNAVAILABLE
        )
    return None


def _field_errors(data: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's errors as ``{"field": [messages]}``; the errors of a nested item (a
    batch's third movement, an obligation's second indicator) under a dotted
    path such as ``movements.2.idempotency_key``, never a Python repr."""
    if isinstance(data, dict):
        items: Any = data.items()
    elif isinstance(data, list) and any(isinstance(v, dict | list) for v in data):
        # A list serializer's errors: one entry per item, empty for the good ones.
        items = enumerate(data)
    else:
        messages = data if isinstance(data, list) else [data]
        return {prefix or "non_field_errors": [str(m) for m in messages]}
    fields: dict[str, list[str]] = {}
    for key, value in items:
        if value in ({}, []):
            continue
        fields |= _field_errors(value, f"{prefix}.{key}" if prefix else str(key))
    return fields


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    fault = _fault_response(exc)
    if fault is not None:
        return fault
    if isinstance(exc, DjangoValidationError):
        # Services refuse bad input with Django's ValidationError (the pages show
        # it on their forms); the API shows the same messages, field by field.
        exc = exceptions.ValidationError(
            {k: [str(m) for e in v for m in e.messages] for k, v in exc.error_dict.items()}
            if hasattr(exc, "error_dict")
            else {"non_field_errors": exc.messages}
        )
    if isinstance(exc, Http404):
        # Django's message names the model ("No IssuedDocument matches the given
        # query."), in English; every 404 of the API says the same translated words.
        exc = exceptions.NotFound()
    # DRF itself turns Django's PermissionDenied into its own.
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ParseError):
        # DRF's parse errors carry the parser's English text; say it plainly instead.
        response.data = {"detail": _("The request body could not be read as JSON.")}
    if isinstance(exc, Http404 | exceptions.NotFound):
        code = "not_found"
    elif isinstance(exc, exceptions.APIException):
        code = str(exc.default_code)
    else:
        code = "error"
    data = response.data
    fields: dict[str, Any] = {}
    if isinstance(data, dict) and "detail" in data:
        message = str(data["detail"])
        code = getattr(data["detail"], "code", code) or code
    elif isinstance(data, dict) or (
        isinstance(data, list) and any(isinstance(v, dict) for v in data)
    ):
        fields = _field_errors(data)
        # A refusal of the whole request (not of one field) is the message itself.
        general = fields.get("non_field_errors", [])
        message = "; ".join(general) or str(exceptions.ValidationError.default_detail)
    else:
        message = "; ".join(str(m) for m in data) if isinstance(data, list) else str(data)
    if response.status_code == status.HTTP_404_NOT_FOUND:
        code = "not_found"
    response.data = {"error": {"code": code, "message": message, "fields": fields}}
    return response
