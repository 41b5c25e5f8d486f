from django.urls import path

from vigil.controlled.transfers import api

urlpatterns = [
    path("transfers/", api.TransferList.as_view(), name="api-transfer-list"),
    path("transfers/<int:pk>/", api.TransferDetail.as_view(), name="api-transfer-detail"),
    path("transfers/<int:pk>/receive/", api.TransferReceive.as_view(), name="api-transfer-receive"),
    path("transfers/<int:pk>/cancel/", api.TransferCancel.as_view(), name="api-transfer-cancel"),
]
