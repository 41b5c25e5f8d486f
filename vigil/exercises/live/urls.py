"""Exercise mode's pages, in the ``exercises`` namespace (under /exercises/)."""

from django.urls import URLPattern, path

from vigil.exercises.live import views

urlpatterns: list[URLPattern] = [
    path("<int:pk>/incidents/new/", views.exercise_incident_new, name="exercise_incident_new"),
    path("<int:pk>/alerts/new/", views.exercise_alert_new, name="exercise_alert_new"),
    path("<int:pk>/timeline/", views.exercise_timeline, name="exercise_timeline"),
]
