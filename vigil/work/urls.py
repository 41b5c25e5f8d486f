from django.urls import URLPattern, URLResolver, include, path

app_name = "work"

urlpatterns: list[URLPattern | URLResolver] = [
    path("reports/", include("vigil.work.obligations.urls")),
]
