"""The figures API."""

from django.urls import URLPattern, URLResolver, path

from vigil.controlled.figures import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("ledger-figures/", api.LedgerFigures.as_view(), name="api-ledger-figures"),
]
