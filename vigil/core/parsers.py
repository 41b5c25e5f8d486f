"""The API's JSON parser: DRF's, with a limit on how deep a body may nest.

A module of its own: DRF reads DEFAULT_PARSER_CLASSES while it defines its
views, so this cannot live beside the exception handler (``vigil.core.api``).
"""

from __future__ import annotations

import io
import re
from typing import Any

from django.utils.translation import gettext as _
from rest_framework import exceptions, parsers

# Deeper than any body Vigil reads (a batch of movements is 3 levels).
MAX_JSON_DEPTH = 32
_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKET = re.compile(rb"[\[\]{}]")


class NestedTooDeeply(exceptions.ParseError):
    default_code = "nested_too_deeply"

    def __init__(self) -> None:
        super().__init__(
            _("The request body is nested more than %(max)s levels deep.") % {"max": MAX_JSON_DEPTH}
        )


def json_depth_exceeds(body: bytes, limit: int) -> bool:
    """Whether arrays and objects nest deeper than ``limit``, counted before parsing:
    a thousand nested arrays exhaust Python's recursion in the parser, or later in
    any code that walks the result."""
    skeleton = _JSON_STRING.sub(b"", body)
    if skeleton.count(b"[") + skeleton.count(b"{") <= limit:
        return False
    depth = 0
    for bracket in _BRACKET.finditer(skeleton):
        depth += 1 if bracket[0] in b"[{" else -1
        if depth > limit:
            return True
    return False


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser with a limit on nesting (every API view parses with it)."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        body = stream.read() if stream is not None else b""
        if json_depth_exceeds(body, MAX_JSON_DEPTH):
            raise NestedTooDeeply()
        try:
            return super().parse(io.BytesIO(body), media_type, parser_context)
        except RecursionError:
            raise NestedTooDeeply() from None
