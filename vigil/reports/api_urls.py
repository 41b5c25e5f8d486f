from django.urls import include, path

urlpatterns = [
    path("", include("vigil.reports.summaries.api_urls")),
    path("", include("vigil.reports.commendations.api_urls")),
]
