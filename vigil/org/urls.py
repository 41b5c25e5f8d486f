from django.urls import path

from vigil.org import duty_views, views

app_name = "org"
urlpatterns = [
    path("committees/", views.committee_tree, name="committee_tree"),
    path("committees/<int:pk>/", views.committee_detail, name="committee_detail"),
    path("agencies/", views.agency_list, name="agency_list"),
    path("agencies/<int:pk>/", views.agency_detail, name="agency_detail"),
    path("agencies/<int:agency_pk>/contacts/new/", views.contact_create, name="contact_create"),
    path("contacts/<int:pk>/", views.contact_detail, name="contact_detail"),
    path("contacts/<int:pk>/edit/", views.contact_edit, name="contact_edit"),
    path("agencies/<int:agency_pk>/duty/", duty_views.duty_roster, name="duty_roster"),
    path("duty-shifts/<int:pk>/remove/", duty_views.duty_shift_remove, name="duty_shift_remove"),
    path("admin-units/", views.admin_unit_list, name="admin_unit_list"),
]
