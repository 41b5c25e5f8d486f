from django.urls import URLPattern, URLResolver, path

from vigil.reports.commendations import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.commendation_list, name="commendation_list"),
    path("new/", views.commendation_new, name="commendation_new"),
    path("<int:pk>/", views.commendation_detail, name="commendation_detail"),
    path("<int:pk>/review/", views.commendation_review, name="commendation_review"),
    path("<int:pk>/decide/", views.commendation_decide, name="commendation_decide"),
    path("<int:pk>/refuse/", views.commendation_refuse, name="commendation_refuse"),
    path("<int:pk>/decision.docx", views.commendation_docx, name="commendation_docx"),
]
