"""Pages of the evaluation (in the ``exercises:`` namespace, under ``exercises/``)."""

from django.urls import path

from vigil.exercises.evaluation import views

urlpatterns = [
    path("objectives/<int:pk>/rate/", views.objective_rate, name="objective_rate"),
    path("<int:pk>/findings/new/", views.finding_new, name="finding_new"),
    path("findings/<int:pk>/actions/new/", views.action_new, name="action_new"),
    path("<int:pk>/after-action.docx", views.exercise_docx, name="exercise_docx"),
    path("corrective-actions/", views.action_list, name="action_list"),
]
