from django.urls import URLPattern, URLResolver, path

from vigil.situation.incidents import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("incidents/", api.IncidentList.as_view(), name="api-incident-list"),
    path("incidents/<int:pk>/", api.IncidentDetail.as_view(), name="api-incident-detail"),
    path("incidents/<int:pk>/move/", api.IncidentMove.as_view(), name="api-incident-move"),
    path("incidents/<int:pk>/updates/", api.IncidentUpdates.as_view(), name="api-incident-updates"),
]
