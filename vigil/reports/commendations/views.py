"""The commendations' pages (to be built)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse


def commendation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    raise Http404
