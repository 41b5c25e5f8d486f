from django.urls import path

from vigil.controlled import api
from vigil.controlled import registry_api as ra

urlpatterns = [
    path("items/", api.ItemList.as_view(), name="api-item-list"),
    path("items/<int:pk>/", api.ItemDetail.as_view(), name="api-item-detail"),
    path("licences/", ra.LicenceListCreate.as_view(), name="api-licence-list"),
    path("licences/<int:pk>/", ra.LicenceDetailUpdate.as_view(), name="api-licence-detail"),
    path("licences/<int:pk>/status/", ra.LicenceStatus.as_view(), name="api-licence-status"),
    path("stores/", ra.StoreListCreate.as_view(), name="api-store-list"),
    path("stores/<int:pk>/", ra.StoreDetailUpdate.as_view(), name="api-store-detail"),
    path("balances/", ra.BalanceListFiltered.as_view(), name="api-balance-list"),
    path("balances/totals/", ra.BalanceTotals.as_view(), name="api-balance-totals"),
    path("balances/<int:pk>/", api.BalanceDetail.as_view(), name="api-balance-detail"),
    path("movements/", api.MovementList.as_view(), name="api-movement-list"),
    path("movements/batch/", api.MovementBatch.as_view(), name="api-movement-batch"),
    path("movements/<int:pk>/", api.MovementDetail.as_view(), name="api-movement-detail"),
    path("organisations/", ra.OrganisationList.as_view(), name="api-organisation-list"),
    path(
        "organisations/<int:pk>/", ra.OrganisationDetail.as_view(), name="api-organisation-detail"
    ),
    path("inspections/", ra.InspectionList.as_view(), name="api-inspection-list"),
    path("inspections/<int:pk>/", ra.InspectionDetail.as_view(), name="api-inspection-detail"),
    path("transfers/", ra.TransferList.as_view(), name="api-transfer-list"),
    path("transfers/<int:pk>/", ra.TransferDetail.as_view(), name="api-transfer-detail"),
    path("transfers/<int:pk>/receive/", ra.TransferReceive.as_view(), name="api-transfer-receive"),
    path("transfers/<int:pk>/cancel/", ra.TransferCancel.as_view(), name="api-transfer-cancel"),
]
