from django.urls import path

from vigil.controlled.catalogue import api

urlpatterns = [
    path("items/", api.ItemList.as_view(), name="api-item-list"),
    path("items/<int:pk>/", api.ItemDetail.as_view(), name="api-item-detail"),
]
