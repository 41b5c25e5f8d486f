"""Flash report API (no namespace)."""

from django.urls import path

from vigil.situation.flash import api

urlpatterns = [
    path(
        "incidents/<int:pk>/flash-report/",
        api.FlashReportIssue.as_view(),
        name="api-flash-report-issue",
    ),
    path("flash-reports/<int:pk>/", api.FlashReportDetail.as_view(), name="api-flashreport-detail"),
    path(
        "flash-reports/<int:pk>/docx/", api.FlashReportDocx.as_view(), name="api-flashreport-docx"
    ),
    path(
        "flash-reports/<int:pk>/edxml/",
        api.FlashReportEdxml.as_view(),
        name="api-flashreport-edxml",
    ),
]
