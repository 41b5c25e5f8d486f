"""The training pages, in the ``exercises`` namespace (under /exercises/trainings/)."""

from django.urls import URLPattern, URLResolver, path

from vigil.exercises.trainings import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.training_list, name="training_list"),
    path("new/", views.training_new, name="training_new"),
    path("<int:pk>/", views.training_detail, name="training_detail"),
    path("<int:pk>/edit/", views.training_edit, name="training_edit"),
    path("<int:pk>/held/", views.training_held, name="training_held"),
    path("<int:pk>/cancel/", views.training_cancel, name="training_cancel"),
    path("<int:pk>/attach/", views.training_attach, name="training_attach"),
]
