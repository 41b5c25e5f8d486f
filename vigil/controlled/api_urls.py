from django.urls import path

from vigil.controlled import api

urlpatterns = [
    path("items/", api.ItemList.as_view(), name="api-item-list"),
    path("items/<int:pk>/", api.ItemDetail.as_view(), name="api-item-detail"),
    path("licences/", api.LicenceList.as_view(), name="api-licence-list"),
    path("licences/<int:pk>/", api.LicenceDetail.as_view(), name="api-licence-detail"),
    path("stores/", api.StoreList.as_view(), name="api-store-list"),
    path("stores/<int:pk>/", api.StoreDetail.as_view(), name="api-store-detail"),
    path("balances/", api.BalanceList.as_view(), name="api-balance-list"),
    path("balances/<int:pk>/", api.BalanceDetail.as_view(), name="api-balance-detail"),
    path("movements/", api.MovementList.as_view(), name="api-movement-list"),
    path("movements/batch/", api.MovementBatch.as_view(), name="api-movement-batch"),
    path("movements/<int:pk>/", api.MovementDetail.as_view(), name="api-movement-detail"),
]
