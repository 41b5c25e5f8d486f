from django.urls import URLPattern, URLResolver, include, path

from vigil.work import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include("vigil.work.tasks.api_urls")),
    path("", include("vigil.work.documents.api_urls")),
    path("", include("vigil.work.figures.api_urls")),
    path("scorecard/", api.ScorecardView.as_view(), name="api-scorecard"),
    path("", include("vigil.work.records.api_urls")),
    path("", include("vigil.work.obligations.api_urls")),
]
