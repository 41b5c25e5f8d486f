"""Flash report pages, in the ``situation`` namespace under ``situation/flash/``."""

from django.urls import path

from vigil.situation.flash import views

urlpatterns = [
    path("new/<int:pk>/", views.flash_report_new, name="flash_report_new"),
    path("<int:pk>/", views.flash_report_detail, name="flash_report_detail"),
    path("<int:pk>/docx/", views.flash_report_docx, name="flash_report_docx"),
    path("<int:pk>/edxml/", views.flash_report_edxml, name="flash_report_edxml"),
]
