from django.urls import path

from vigil.controlled.transfers import views

urlpatterns = [
    path("stores/<int:store_pk>/transfer/", views.transfer_create, name="transfer_create"),
    path("transfers/", views.transfer_list, name="transfer_list"),
    path("transfers/<int:pk>/", views.transfer_detail, name="transfer_detail"),
    path("transfers/<int:pk>/receive/", views.transfer_receive, name="transfer_receive"),
    path("transfers/<int:pk>/cancel/", views.transfer_cancel, name="transfer_cancel"),
]
