"""The incident pages, in the ``situation`` namespace (under /situation/incidents/)."""

from django.urls import URLPattern, URLResolver, path

from vigil.situation.incidents import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.incident_list, name="incident_list"),
    path("report/", views.incident_report, name="incident_report"),
    path("<int:pk>/", views.incident_detail, name="incident_detail"),
    path("<int:pk>/edit/", views.incident_edit, name="incident_edit"),
    path("<int:pk>/move/<str:state>/", views.incident_move, name="incident_move"),
    path("<int:pk>/update/", views.incident_update, name="incident_update"),
]
