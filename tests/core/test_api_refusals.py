"""Requests the API refuses as a whole, in its one error format and the user's language,
never with a 500 or Django's HTML page: a body nested too deeply, a body over the size
limit."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from vigil.accounts.models import User
from vigil.core.models import AuditHead
from vigil.core.parsers import MAX_JSON_DEPTH, json_depth_exceeds

pytestmark = pytest.mark.django_db

ARRAYS = "[" * 1000 + "]" * 1000
OBJECTS = '{"a":' * 1000 + "1" + "}" * 1000
KEY = {"Idempotency-Key": "deep-body-1"}

# Endpoints that read a JSON body, each with a persona that may write there.
JSON_ENDPOINTS = [
    ("kho_mo", "/api/v1/movements/"),
    ("kho_mo", "/api/v1/movements/batch/"),
    ("thuongtruc", "/api/v1/tasks/"),
    ("congthuong", "/api/v1/licences/"),
    ("congthuong", "/api/v1/inspections/"),
    ("congthuong", "/api/v1/duty-shifts/"),
    ("thuongtruc", "/api/v1/documents/"),
]


def _api_paths(patterns: list[Any], prefix: str = "") -> Iterator[str]:
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _api_paths(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern) and route.startswith("api/v1/"):
            yield "/" + re.sub(r"<[^>]+>", "1", route)


@pytest.mark.parametrize(("username", "path"), JSON_ENDPOINTS)
def test_a_body_nested_a_thousand_levels_deep_is_refused(
    api_for: Callable[..., Client], username: str, path: str
) -> None:
    api = api_for(username, scope="write")
    head = AuditHead.objects.get().seq
    for body in (ARRAYS, OBJECTS):
        response = api.post(path, body, content_type="application/json", headers=KEY)
        assert response.status_code == 400, response.content
        error = response.json()["error"]
        assert error["code"] == "nested_too_deeply"
        assert error["message"] == f"Nội dung yêu cầu lồng nhau quá {MAX_JSON_DEPTH} cấp."
    assert AuditHead.objects.get().seq == head


def test_no_api_endpoint_answers_a_deep_body_with_a_server_error(
    api_for: Callable[..., Client],
) -> None:
    api = api_for("lanhdao", scope="write")
    api.raise_request_exception = False
    paths = sorted(set(_api_paths(get_resolver().url_patterns)))
    refused = []
    for path in paths:
        for method in (api.post, api.put, api.patch):
            response = method(path, ARRAYS, content_type="application/json", headers=KEY)
            assert response.status_code < 500, (path, response.content)
            if response.status_code == 400:
                refused.append(response.json()["error"]["code"])
    assert len(paths) > 40
    assert refused.count("nested_too_deeply") >= 10


def test_the_refusal_is_in_the_users_language(api_for: Callable[..., Client]) -> None:
    User.objects.filter(username="thuongtruc").update(language="en")
    response = api_for("thuongtruc", scope="write").post(
        "/api/v1/tasks/", ARRAYS, content_type="application/json"
    )
    assert response.json()["error"]["message"] == (
        f"The request body is nested more than {MAX_JSON_DEPTH} levels deep."
    )


def test_a_wide_but_shallow_body_is_read() -> None:
    batch = json.dumps({"movements": [{"note": "[[[{{{", "lot": ["a"]}] * 2000}).encode()
    assert not json_depth_exceeds(batch, MAX_JSON_DEPTH)
    nested = b'{"a":' * MAX_JSON_DEPTH + b"1" + b"}" * MAX_JSON_DEPTH
    assert not json_depth_exceeds(nested, MAX_JSON_DEPTH)
    assert json_depth_exceeds(b"[" + nested + b"]", MAX_JSON_DEPTH)
    # Brackets inside strings, escaped quotes included, are text, not nesting.
    assert not json_depth_exceeds(json.dumps(['\\"' + "[" * 100]).encode(), MAX_JSON_DEPTH)


@pytest.mark.parametrize(
    "content_type", ["application/json", "application/x-www-form-urlencoded", "multipart"]
)
def test_a_body_over_the_size_limit_is_a_413_in_the_error_format(
    api_for: Callable[..., Client], settings: Any, content_type: str
) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
    api = api_for("thuongtruc", scope="write")
    text = "á" * (1024 * 1024 + 1)
    count = AuditHead.objects.get().seq
    if content_type == "multipart":
        response = api.post("/api/v1/tasks/", {"title": text})
    elif content_type == "application/json":
        response = api.post("/api/v1/tasks/", {"title": text}, content_type=content_type)
    else:
        response = api.post("/api/v1/tasks/", f"title={text}", content_type=content_type)
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"] == {
        "code": "too_large",
        "message": "Yêu cầu lớn hơn 2 MB, mức tối đa Vigil nhận.",
        "fields": {},
    }
    assert AuditHead.objects.get().seq == count
    # The same request under the limit is read (and refused for what it says).
    small = api.post("/api/v1/tasks/", {"title": "x"}, content_type="application/json")
    assert small.status_code == 400 and small.json()["error"]["code"] == "invalid"


def test_a_body_over_the_size_limit_refused_before_the_view_is_json_too(
    api_for: Callable[..., Client], settings: Any
) -> None:
    """The 400 handler: Django refused the body before an API view could answer."""
    from django.core.exceptions import RequestDataTooBig
    from django.test import RequestFactory

    from vigil.core.views import bad_request

    response = bad_request(RequestFactory().post("/api/v1/tasks/"), RequestDataTooBig("big"))
    assert response.status_code == 413
    assert json.loads(response.content)["error"]["code"] == "too_large"
    page = bad_request(RequestFactory().post("/work/tasks/new/"), RequestDataTooBig("big"))
    assert page.status_code == 400 and page["Content-Type"].startswith("text/html")
