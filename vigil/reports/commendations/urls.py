from django.urls import path

from vigil.reports.commendations import views

urlpatterns = [
    path("<int:pk>/", views.commendation_detail, name="commendation_detail"),
]
