from django.urls import path

from vigil.controlled.inspections import views

urlpatterns = [
    path(
        "stores/<int:store_pk>/inspections/new/",
        views.inspection_create,
        name="inspection_create",
    ),
    path("inspections/<int:pk>/", views.inspection_detail, name="inspection_detail"),
    path("inspections/<int:pk>/attach/", views.inspection_attach, name="inspection_attach"),
]
