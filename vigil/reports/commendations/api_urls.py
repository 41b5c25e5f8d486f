"""The commendations API."""

from django.urls import URLPattern, URLResolver, path

from vigil.reports.commendations import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("commendations/", api.CommendationList.as_view(), name="api-commendation-list"),
    path("commendations/evidence/", api.CommendationEvidence.as_view(),
         name="api-commendation-evidence"),
    path("commendations/<int:pk>/", api.CommendationDetail.as_view(),
         name="api-commendation-detail"),
    path("commendations/<int:pk>/review/", api.CommendationReview.as_view(),
         name="api-commendation-review"),
    path("commendations/<int:pk>/decide/", api.CommendationDecide.as_view(),
         name="api-commendation-decide"),
    path("commendations/<int:pk>/refuse/", api.CommendationRefuse.as_view(),
         name="api-commendation-refuse"),
]  # fmt: skip
