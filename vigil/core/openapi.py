"""drf-spectacular postprocessing: document the one error format on every operation."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "fields"],
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "fields": {
                    "type": "object",
                    "additionalProperties": {"type": "array", "items": {"type": "string"}},
                },
            },
        }
    },
}
# Status codes any endpoint may answer with an error body.
ERRORS = {
    "400": gettext_noop("Invalid input; nothing was written."),
    "401": gettext_noop("Missing, invalid, expired or revoked token."),
    "403": gettext_noop("Visible, but this user or token may not do it."),
    "404": gettext_noop("Not found, or not yours to see."),
    "405": gettext_noop("Method not allowed."),
    "406": gettext_noop("Only JSON is served."),
    "413": gettext_noop("The request body is larger than Vigil accepts."),
    "415": gettext_noop("Unsupported media type."),
    "503": gettext_noop("Busy, or files cannot be stored now; nothing was written. Try again."),
}


NO_NUL = "^[^\\x00]*$"  # DRF refuses NUL characters in text
NOT_BLANK = "^[^\\x00]*[^\\x00\\s][^\\x00]*$"  # and trims text that must not be blank


def add_error_responses(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Error"] = ERROR_SCHEMA
    # Say in the request schemas what the serializers refuse, so clients
    # (and the contract test) know it before they send.
    for name, schema in schemas.items():
        if not name.endswith("Request"):
            continue
        for prop in schema.get("properties", {}).values():
            if prop.get("type") == "string" and "format" not in prop and "enum" not in prop:
                prop.setdefault("pattern", NOT_BLANK if prop.get("minLength") else NO_NUL)
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            for parameter in operation.get("parameters", []):
                # An empty choice means "any", as the HTML filter forms send it.
                schema = parameter.get("schema", {})
                if parameter.get("in") == "query" and schema.get("enum"):
                    values = [str(v) for v in schema["enum"] if v != ""]
                    schema.update(type="string", enum=[*values, ""])
            responses = operation.setdefault("responses", {})
            for status, description in ERRORS.items():
                responses.setdefault(
                    status,
                    {
                        "description": _(description),
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                        },
                    },
                )
    return result
