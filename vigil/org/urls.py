from django.urls import path

from vigil.org import audit_views, records_views, views

app_name = "org"
urlpatterns = [
    path("committees/", views.committee_tree, name="committee_tree"),
    path("committees/<int:pk>/", views.committee_detail, name="committee_detail"),
    path("agencies/", views.agency_list, name="agency_list"),
    path("agencies/<int:pk>/", views.agency_detail, name="agency_detail"),
    path("agencies/<int:agency_pk>/contacts/new/", views.contact_create, name="contact_create"),
    path("contacts/<int:pk>/", views.contact_detail, name="contact_detail"),
    path("contacts/<int:pk>/edit/", views.contact_edit, name="contact_edit"),
    path("admin-units/", views.admin_unit_list, name="admin_unit_list"),
    path("committees/<int:pk>/numbers/", records_views.committee_numbers, name="committee_numbers"),
    path(
        "contacts/<int:pk>/attachments/",
        records_views.contact_attachment_upload,
        name="contact_attachment_upload",
    ),
    path("audit/", audit_views.audit_log, name="audit_log"),
    path("audit/verify/", audit_views.audit_verify, name="audit_verify"),
    path(
        "audit/object/<str:object_type>/<str:object_id>/",
        audit_views.audit_object,
        name="audit_object",
    ),
]
