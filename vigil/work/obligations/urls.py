from django.urls import path

from vigil.work.obligations import views

urlpatterns = [
    path("", views.obligation_list, name="obligation_list"),
    path("new/", views.obligation_create, name="obligation_create"),
    path("due/", views.reports_due, name="reports_due"),
    path("<int:pk>/", views.obligation_detail, name="obligation_detail"),
    path("<int:pk>/template/", views.template_edit, name="obligation_template"),
    path("<int:pk>/open/", views.period_open, name="obligation_open_period"),
    path("periods/<int:pk>/", views.consolidation, name="consolidation"),
    path("periods/<int:pk>/xlsx/", views.consolidation_xlsx, name="consolidation_xlsx"),
    path("periods/<int:pk>/docx/", views.consolidation_docx, name="consolidation_docx"),
    path("submissions/<int:pk>/", views.submission_detail, name="submission_detail"),
    path("submissions/<int:pk>/submit/", views.submission_submit, name="submission_submit"),
    path("submissions/<int:pk>/return/", views.submission_return, name="submission_return"),
    path("submissions/<int:pk>/accept/", views.submission_accept, name="submission_accept"),
    path("submissions/<int:pk>/fill/", views.submission_fill, name="submission_fill"),
]
