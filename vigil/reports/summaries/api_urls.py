"""The summary reports' API (no namespace)."""

from django.urls import URLPattern, URLResolver, path

from vigil.reports.summaries import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("reports/", api.ReportList.as_view(), name="api-report-list"),
    path("reports/<int:pk>/", api.ReportDetail.as_view(), name="api-report-detail"),
    path(
        "reports/<int:pk>/sections/<slug:key>/",
        api.ReportSection.as_view(),
        name="api-report-section",
    ),
    path("reports/<int:pk>/redraft/", api.ReportRedraft.as_view(), name="api-report-redraft"),
    path("reports/<int:pk>/issue/", api.ReportIssue.as_view(), name="api-report-issue"),
    path("reports/<int:pk>/docx/", api.ReportDocx.as_view(), name="api-report-docx"),
    path("reports/<int:pk>/xlsx/", api.ReportXlsx.as_view(), name="api-report-xlsx"),
    path("reports/<int:pk>/edxml/", api.ReportEdxml.as_view(), name="api-report-edxml"),
]
