"""The situation pages: each concept's ``urls.py`` adds its own, in the ``situation`` namespace."""

from django.urls import URLPattern, URLResolver, include, path

from vigil.situation import figures_views, views

app_name = "situation"

urlpatterns: list[URLPattern | URLResolver] = [
    path("situation/", views.picture, name="picture"),
    path("situation/figures/", figures_views.figures_page, name="figures"),
    path("situation/incidents/", include("vigil.situation.incidents.urls")),
    path("situation/alerts/", include("vigil.situation.alerts.urls")),
    path("situation/cap/", include("vigil.situation.cap.urls")),
    path("situation/flash/", include("vigil.situation.flash.urls")),
]
