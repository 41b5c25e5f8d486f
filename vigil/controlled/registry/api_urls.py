from django.urls import path

from vigil.controlled.registry import api

urlpatterns = [
    path("licences/", api.LicenceListCreate.as_view(), name="api-licence-list"),
    path("licences/<int:pk>/", api.LicenceDetailUpdate.as_view(), name="api-licence-detail"),
    path("licences/<int:pk>/status/", api.LicenceStatus.as_view(), name="api-licence-status"),
    path("stores/", api.StoreListCreate.as_view(), name="api-store-list"),
    path("stores/<int:pk>/", api.StoreDetailUpdate.as_view(), name="api-store-detail"),
    path("organisations/", api.OrganisationList.as_view(), name="api-organisation-list"),
    path(
        "organisations/<int:pk>/",
        api.OrganisationDetail.as_view(),
        name="api-organisation-detail",
    ),
]
