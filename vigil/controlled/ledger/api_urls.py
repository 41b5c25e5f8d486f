from django.urls import path

from vigil.controlled.ledger import api

urlpatterns = [
    path("balances/", api.BalanceListFiltered.as_view(), name="api-balance-list"),
    path("balances/totals/", api.BalanceTotals.as_view(), name="api-balance-totals"),
    path("balances/<int:pk>/", api.BalanceDetail.as_view(), name="api-balance-detail"),
    path("movements/", api.MovementList.as_view(), name="api-movement-list"),
    path("movements/batch/", api.MovementBatch.as_view(), name="api-movement-batch"),
    path("movements/<int:pk>/", api.MovementDetail.as_view(), name="api-movement-detail"),
]
