"""The counts API: stock counts, and their discrepancies as a resource of their own."""

from django.urls import URLPattern, URLResolver, path

from vigil.controlled.counts import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("stock-counts/", api.StockCountList.as_view(), name="api-stockcount-list"),
    path("stock-counts/<int:pk>/", api.StockCountDetail.as_view(), name="api-stockcount-detail"),
    path(
        "stock-counts/<int:pk>/submit/",
        api.StockCountSubmit.as_view(),
        name="api-stockcount-submit",
    ),
    path("discrepancies/", api.DiscrepancyList.as_view(), name="api-discrepancy-list"),
    path("discrepancies/<int:pk>/", api.DiscrepancyDetail.as_view(), name="api-discrepancy-detail"),
    path(
        "discrepancies/<int:pk>/resolve/",
        api.DiscrepancyResolve.as_view(),
        name="api-discrepancy-resolve",
    ),
]
