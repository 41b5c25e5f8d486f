"""The site's URLs, with stand-ins for the alert pages another branch builds."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, include, path

from vigil import urls as site
from vigil.situation import urls as situation


def _stub(request: HttpRequest, pk: int) -> HttpResponse:
    return HttpResponse(str(pk))


stubs = [
    path("situation/alerts/<int:pk>/", _stub, name="alert_detail"),
    path("situation/alerts/<int:pk>/board/", _stub, name="alert_board"),
]
urlpatterns: list[URLPattern | URLResolver] = [
    p
    for p in site.urlpatterns
    if isinstance(p, URLPattern | URLResolver) and getattr(p, "app_name", None) != "situation"
]
urlpatterns.append(path("", include(([*situation.urlpatterns, *stubs], "situation"))))
