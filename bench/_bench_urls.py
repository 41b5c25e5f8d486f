"""The application's URLs plus the empty base layout page the page benchmark compares with."""

from django.urls import path
from django.views.generic import TemplateView

from vigil.urls import handler404, handler500
from vigil.urls import urlpatterns as app_urlpatterns

__all__ = ["handler404", "handler500", "urlpatterns"]

urlpatterns = [
    path("bench/empty/", TemplateView.as_view(template_name="base.html")),
    *app_urlpatterns,
]
