"""The CAP API (no namespace). ``alerts/import-cap/`` is a literal path and
``alerts/<int:pk>/cap/`` ends in ``cap/``: neither meets the alerts' own
``alerts/<int:pk>/`` routes."""

from django.urls import URLPattern, URLResolver, path

from vigil.situation.cap import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("alerts/import-cap/", api.AlertImportCap.as_view(), name="api-alert-import-cap"),
    path("alerts/<int:pk>/cap/", api.AlertCap.as_view(), name="api-alert-cap"),
]
