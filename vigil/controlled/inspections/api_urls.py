from django.urls import path

from vigil.controlled.inspections import api

urlpatterns = [
    path("inspections/", api.InspectionList.as_view(), name="api-inspection-list"),
    path("inspections/<int:pk>/", api.InspectionDetail.as_view(), name="api-inspection-detail"),
]
