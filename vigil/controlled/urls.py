from django.urls import path

from vigil.controlled import views

app_name = "controlled"

urlpatterns = [
    path("controlled/stores/", views.store_list, name="store_list"),
    path("controlled/stores/<int:pk>/", views.store_detail, name="store_detail"),
    path(
        "controlled/stores/<int:store_pk>/movement/",
        views.movement_create,
        name="movement_create",
    ),
    path("controlled/movements/", views.movement_list, name="movement_list"),
    path("controlled/licences/", views.licence_list, name="licence_list"),
]
