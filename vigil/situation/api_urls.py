"""The situation API (no namespace): each concept's ``api_urls.py``."""

from django.urls import URLPattern, URLResolver, include, path

from vigil.situation.api import Picture
from vigil.situation.figures_api import SituationFiguresView

urlpatterns: list[URLPattern | URLResolver] = [
    path("situation/", Picture.as_view(), name="api-situation-picture"),
    path("situation-figures/", SituationFiguresView.as_view(), name="api-situation-figures"),
    path("", include("vigil.situation.incidents.api_urls")),
    path("", include("vigil.situation.alerts.api_urls")),
    path("", include("vigil.situation.cap.api_urls")),
    path("", include("vigil.situation.flash.api_urls")),
]
