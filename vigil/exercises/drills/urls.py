"""The exercise pages, in the ``exercises`` namespace (under /exercises/)."""

from django.urls import URLPattern, URLResolver, path

from vigil.exercises.drills import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.exercise_list, name="exercise_list"),
    path("new/", views.exercise_new, name="exercise_new"),
    path("<int:pk>/", views.exercise_detail, name="exercise_detail"),
    path("<int:pk>/edit/", views.exercise_edit, name="exercise_edit"),
    path("<int:pk>/objectives/add/", views.exercise_objective_add, name="exercise_objective_add"),
    path("<int:pk>/conduct/", views.exercise_conduct, name="exercise_conduct"),
    path(
        "<int:pk>/finish-evaluation/",
        views.exercise_finish_evaluation,
        name="exercise_finish_evaluation",
    ),
    path("<int:pk>/close/", views.exercise_close, name="exercise_close"),
    path("<int:pk>/cancel/", views.exercise_cancel, name="exercise_cancel"),
]
