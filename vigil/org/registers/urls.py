from django.urls import path

from vigil.org.registers import views

urlpatterns = [
    path("committees/<int:pk>/numbers/", views.committee_numbers, name="committee_numbers"),
]
