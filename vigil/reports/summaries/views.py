"""The summary reports' pages (to be built)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse


def report_list(request: HttpRequest) -> HttpResponse:
    raise Http404


def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    raise Http404


def section_edit(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    raise Http404
