from django.urls import path

from vigil.org.duty import api

urlpatterns = [
    path("duty-shifts/", api.DutyShiftList.as_view(), name="api-dutyshift-list"),
    path("duty-shifts/<int:pk>/", api.DutyShiftDetail.as_view(), name="api-dutyshift-detail"),
]
