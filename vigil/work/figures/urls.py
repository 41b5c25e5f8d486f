"""The work figures page (in the ``work:`` namespace)."""

from django.urls import URLPattern, URLResolver, path

from vigil.work.figures import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("work/figures/", views.figures_page, name="figures"),
]
