"""The figures pages (under ``exercises/figures/``, in the ``exercises:`` namespace)."""

from django.urls import URLPattern, URLResolver, path

from vigil.exercises.figures import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.figures_page, name="figures"),
    path("xlsx/", views.figures_xlsx, name="figures_xlsx"),
]
