"""The evaluation's API (no namespace; names ``api-<model>-…``)."""

from django.urls import path

from vigil.exercises.evaluation import api

urlpatterns = [
    path("findings/", api.FindingList.as_view(), name="api-finding-list"),
    path("findings/<int:pk>/", api.FindingDetail.as_view(), name="api-finding-detail"),
    path(
        "corrective-actions/", api.CorrectiveActionList.as_view(), name="api-correctiveaction-list"
    ),
    path(
        "corrective-actions/<int:pk>/",
        api.CorrectiveActionDetail.as_view(),
        name="api-correctiveaction-detail",
    ),
    path("objectives/<int:pk>/rate/", api.ObjectiveRate.as_view(), name="api-objective-rate"),
    path(
        "exercises/<int:pk>/after-action.docx", api.ExerciseDocx.as_view(), name="api-exercise-docx"
    ),
]
