"""One confirmation pattern for what cannot be undone (a deletion, a revocation).

The list shows a link styled as a destructive button; the link opens a page that says
what will happen, shows the object, and asks with a red button and a way back. It is a
plain page with a form: no inline script, so it holds under the strict CSP and works on
any phone. The POST that does the work is unchanged (scripts and the API skip the page)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

from vigil.core import audit


def safe_next(request: HttpRequest, default: str = "/") -> str:
    """The page to go back to: ``next`` when it is on this site."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


def confirm_page(
    request: HttpRequest,
    *,
    title: Any,
    question: Any,
    action: Any,
    cancel_url: str,
    details: Iterable[tuple[Any, Any]] = (),
    warning: Any = "",
    next_url: str = "",
    shown: Iterable[Any] = (),
    about: models.Model | None = None,
) -> HttpResponse:
    """``shown``: the objects whose details the page prints; a classified one is a
    read like its detail page, and is audited the same way."""
    audit.record_view(request.user, shown, about=about, path=request.path)
    return render(
        request,
        "confirm.html",
        {
            "title": title, "question": question, "action": action, "cancel_url": cancel_url,
            "details": list(details), "warning": warning, "next": next_url,
        },
    )  # fmt: skip
