"""The pages of trainings and exercises: each concept's ``urls.py`` (no ``app_name``
of its own, so every name is in the ``exercises:`` namespace)."""

from django.urls import include, path

app_name = "exercises"

urlpatterns = [
    path("exercises/trainings/", include("vigil.exercises.trainings.urls")),
    path("exercises/figures/", include("vigil.exercises.figures.urls")),
    path("exercises/", include("vigil.exercises.evaluation.urls")),
    path("exercises/", include("vigil.exercises.live.urls")),
    path("exercises/", include("vigil.exercises.drills.urls")),
]
