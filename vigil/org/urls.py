from django.urls import URLPattern, URLResolver, include, path

from vigil.org import views

app_name = "org"
urlpatterns: list[URLPattern | URLResolver] = [
    path("committees/", views.committee_tree, name="committee_tree"),
    path("committees/<int:pk>/", views.committee_detail, name="committee_detail"),
    path("agencies/", views.agency_list, name="agency_list"),
    path("agencies/<int:pk>/", views.agency_detail, name="agency_detail"),
    path("agencies/<int:agency_pk>/contacts/new/", views.contact_create, name="contact_create"),
    path("contacts/<int:pk>/", views.contact_detail, name="contact_detail"),
    path("contacts/<int:pk>/edit/", views.contact_edit, name="contact_edit"),
    path("admin-units/", views.admin_unit_list, name="admin_unit_list"),
    path(
        "contacts/<int:pk>/attachments/",
        views.contact_attachment_upload,
        name="contact_attachment_upload",
    ),
    path("", include("vigil.org.duty.urls")),
    path("", include("vigil.org.registers.urls")),
    path("", include("vigil.org.audit.urls")),
    # Administration ("Quản trị"): the administrator's committee and those below it.
    path("administration/", include("vigil.org.administration.urls")),
    path("administration/", include("vigil.org.people.urls")),
]
