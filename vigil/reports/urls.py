from django.urls import include, path

app_name = "reports"

urlpatterns = [
    path("reports/", include("vigil.reports.summaries.urls")),
    path("reports/commendations/", include("vigil.reports.commendations.urls")),
]
