from django.urls import path

from vigil.controlled.ledger import views

urlpatterns = [
    path("stores/<int:store_pk>/movement/", views.movement_create, name="movement_create"),
    path("movements/", views.movement_list, name="movement_list"),
    path("balances/", views.balance_list, name="balance_list"),
]
