"""The figures pages."""

from django.urls import URLPattern, URLResolver, path

from vigil.controlled.figures import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("figures/", views.figures_page, name="figures"),
]
