"""The summary reports' pages, in the ``reports`` namespace (under /reports/)."""

from django.urls import URLPattern, URLResolver, path

from vigil.reports.summaries import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.report_list, name="report_list"),
    path("<int:pk>/", views.report_detail, name="report_detail"),
    path("<int:pk>/sections/<slug:key>/", views.section_edit, name="section_edit"),
    path(
        "<int:pk>/sections/<slug:key>/charts/<slug:chart>.png",
        views.report_chart,
        name="report_chart",
    ),
    path("<int:pk>/redraft/", views.report_redraft, name="report_redraft"),
    path("<int:pk>/discard/", views.report_discard, name="report_discard"),
    path("<int:pk>/issue/", views.report_issue, name="report_issue"),
    path("<int:pk>/docx/", views.report_docx, name="report_docx"),
    path("<int:pk>/xlsx/", views.report_xlsx, name="report_xlsx"),
    path("<int:pk>/edxml/", views.report_edxml, name="report_edxml"),
]
