"""Every app's URLs, written out."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from vigil.core.views import ApiDocsView, healthz

handler400 = "vigil.core.views.bad_request"
handler404 = "vigil.core.views.not_found"
handler500 = "vigil.core.views.server_error"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("", include("vigil.home.urls")),
    path("accounts/", include("vigil.accounts.urls")),
    path("", include("vigil.org.urls")),
    path("", include("vigil.inbox.urls")),
    path("", include("vigil.sites.urls")),
    path("", include("vigil.situation.urls")),
    path("", include("vigil.work.urls")),
    path("", include("vigil.controlled.urls")),
    path("", include("vigil.exercises.urls")),
    path("", include("vigil.reports.urls")),
    path("", include("vigil.core.urls")),
    path("api/v1/", include("vigil.org.api_urls")),
    path("api/v1/", include("vigil.inbox.api_urls")),
    path("api/v1/", include("vigil.core.api_urls")),
    path("api/v1/", include("vigil.sites.api_urls")),
    path("api/v1/", include("vigil.situation.api_urls")),
    path("api/v1/", include("vigil.work.api_urls")),
    path("api/v1/", include("vigil.controlled.api_urls")),
    path("api/v1/", include("vigil.exercises.api_urls")),
    path("api/v1/", include("vigil.reports.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", ApiDocsView.as_view(url_name="api-schema"), name="api-docs"),
]
