"""The work figures API."""

from django.urls import URLPattern, URLResolver, path

from vigil.work.figures import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("work-figures/", api.WorkFiguresView.as_view(), name="api-work-figures"),
]
