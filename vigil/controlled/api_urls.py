"""The API of every concept, in the order of the app's layers."""

from django.urls import include, path

urlpatterns = [
    path("", include("vigil.controlled.catalogue.api_urls")),
    path("", include("vigil.controlled.registry.api_urls")),
    path("", include("vigil.controlled.ledger.api_urls")),
    path("", include("vigil.controlled.inspections.api_urls")),
    path("", include("vigil.controlled.transfers.api_urls")),
    path("", include("vigil.controlled.blasts.api_urls")),
    path("", include("vigil.controlled.counts.api_urls")),
    path("", include("vigil.controlled.figures.api_urls")),
]
