from django.urls import path

from vigil.controlled.registry import views

urlpatterns = [
    path("stores/", views.store_list, name="store_list"),
    path("stores/<int:pk>/", views.store_detail, name="store_detail"),
    path("stores/<int:pk>/edit/", views.store_edit, name="store_edit"),
    path("licences/", views.licence_list, name="licence_list"),
    path("licences/<int:pk>/", views.licence_detail, name="licence_detail"),
    path("licences/<int:pk>/edit/", views.licence_edit, name="licence_edit"),
    path("licences/<int:pk>/status/", views.licence_status, name="licence_status"),
    path("organisations/", views.organisation_list, name="organisation_list"),
    path("organisations/new/", views.organisation_create, name="organisation_create"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation_detail"),
    path("organisations/<int:pk>/edit/", views.organisation_edit, name="organisation_edit"),
    path("organisations/<int:org_pk>/licences/new/", views.licence_create, name="licence_create"),
    path("organisations/<int:org_pk>/stores/new/", views.store_create, name="store_create"),
]
