"""Exercise mode's API: an exercise's incidents, alerts and timeline."""

from django.urls import URLPattern, path

from vigil.exercises.live import api

urlpatterns: list[URLPattern] = [
    path("exercises/<int:pk>/incidents/", api.ExerciseIncidents.as_view(),
         name="api-exercise-incidents"),
    path("exercises/<int:pk>/alerts/", api.ExerciseAlerts.as_view(), name="api-exercise-alerts"),
    path("exercises/<int:pk>/timeline/", api.ExerciseTimeline.as_view(),
         name="api-exercise-timeline"),
]  # fmt: skip
