from django.urls import path

from vigil.org.duty import views

urlpatterns = [
    path("agencies/<int:agency_pk>/duty/", views.duty_roster, name="duty_roster"),
    path("duty-shifts/<int:pk>/remove/", views.duty_shift_remove, name="duty_shift_remove"),
]
