"""The blasts API."""

from django.urls import URLPattern, URLResolver, path

from vigil.controlled.blasts import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("blasts/", api.BlastList.as_view(), name="api-blast-list"),
    path("blasts/<int:pk>/", api.BlastDetail.as_view(), name="api-blast-detail"),
    path("blasts/<int:pk>/results/", api.BlastResults.as_view(), name="api-blast-results"),
    path("blasts/<int:pk>/close/", api.BlastClose.as_view(), name="api-blast-close"),
]
