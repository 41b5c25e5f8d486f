from django.urls import path

from vigil.reports.summaries import views

urlpatterns = [
    path("", views.report_list, name="report_list"),
    path("<int:pk>/", views.report_detail, name="report_detail"),
    path("<int:pk>/sections/<slug:key>/", views.section_edit, name="section_edit"),
]
