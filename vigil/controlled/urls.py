"""The pages of every concept, under ``controlled/``, in one namespace."""

from django.urls import include, path

app_name = "controlled"

urlpatterns = [
    path("controlled/", include("vigil.controlled.registry.urls")),
    path("controlled/", include("vigil.controlled.ledger.urls")),
    path("controlled/", include("vigil.controlled.inspections.urls")),
    path("controlled/", include("vigil.controlled.transfers.urls")),
    path("controlled/", include("vigil.controlled.blasts.urls")),
    path("controlled/", include("vigil.controlled.counts.urls")),
    path("controlled/", include("vigil.controlled.figures.urls")),
]
