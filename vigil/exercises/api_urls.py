"""The API of trainings and exercises (no namespace; names ``api-<model>-…``)."""

from django.urls import include, path

urlpatterns = [
    path("", include("vigil.exercises.trainings.api_urls")),
    path("", include("vigil.exercises.drills.api_urls")),
    path("", include("vigil.exercises.evaluation.api_urls")),
    path("", include("vigil.exercises.live.api_urls")),
    path("", include("vigil.exercises.figures.api_urls")),
]
