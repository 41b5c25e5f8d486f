"""The exercises API: the list, an exercise, its lifecycle steps and its objectives."""

from django.urls import URLPattern, URLResolver, path

from vigil.exercises.drills import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("exercises/", api.ExerciseList.as_view(), name="api-exercise-list"),
    path("exercises/<int:pk>/", api.ExerciseDetail.as_view(), name="api-exercise-detail"),
    path("exercises/<int:pk>/conduct/", api.ExerciseConduct.as_view(), name="api-exercise-conduct"),
    path(
        "exercises/<int:pk>/finish-evaluation/",
        api.ExerciseFinishEvaluation.as_view(),
        name="api-exercise-finish-evaluation",
    ),
    path("exercises/<int:pk>/close/", api.ExerciseClose.as_view(), name="api-exercise-close"),
    path("exercises/<int:pk>/cancel/", api.ExerciseCancel.as_view(), name="api-exercise-cancel"),
    path(
        "exercises/<int:pk>/objectives/",
        api.ExerciseObjectives.as_view(),
        name="api-exercise-objectives",
    ),
]
