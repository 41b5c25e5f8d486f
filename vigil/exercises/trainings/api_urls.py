from django.urls import URLPattern, URLResolver, path

from vigil.exercises.trainings import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("trainings/", api.TrainingList.as_view(), name="api-training-list"),
    path("trainings/<int:pk>/", api.TrainingDetail.as_view(), name="api-training-detail"),
    path("trainings/<int:pk>/held/", api.TrainingHeld.as_view(), name="api-training-held"),
    path("trainings/<int:pk>/cancel/", api.TrainingCancel.as_view(), name="api-training-cancel"),
]
