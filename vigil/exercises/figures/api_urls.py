"""The figures API."""

from django.urls import URLPattern, URLResolver, path

from vigil.exercises.figures import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("exercise-figures/", api.ExerciseFiguresView.as_view(), name="api-exercise-figures"),
]
