from django.urls import path

from vigil.org import admin_views as adm
from vigil.org import audit_views, duty_views, records_views, views

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
# Administration ("Quản trị"): the administrator's committee and those below it.
A = "administration/"
urlpatterns += [
    path(A, adm.index, name="admin_index"),
    path(f"{A}committees/<int:pk>/", adm.committee, name="admin_committee"),
    path(f"{A}committees/<int:pk>/new/", adm.committee_create, name="admin_committee_create"),
    path(f"{A}committees/<int:pk>/edit/", adm.committee_edit, name="admin_committee_edit"),
    path(f"{A}committees/<int:pk>/members/new/", adm.member_add, name="admin_member_add"),
    path(f"{A}committees/<int:pk>/posts/new/", adm.post_create, name="admin_post_create"),
    path(f"{A}member-agencies/<int:pk>/end/", adm.member_end, name="admin_member_end"),
    path(f"{A}posts/<int:pk>/edit/", adm.post_edit, name="admin_post_edit"),
    path(f"{A}posts/<int:pk>/appoint/", adm.holder_appoint, name="admin_holder_appoint"),
    path(f"{A}holders/<int:pk>/end/", adm.holder_end, name="admin_holder_end"),
    path(f"{A}agencies/", adm.agency_list, name="admin_agency_list"),
    path(f"{A}agencies/new/", adm.agency_create, name="admin_agency_create"),
    path(f"{A}agencies/<int:pk>/edit/", adm.agency_edit, name="admin_agency_edit"),
    path(f"{A}users/", adm.user_list, name="admin_user_list"),
    path(f"{A}users/new/", adm.user_create, name="admin_user_create"),
    path(f"{A}users/<int:pk>/", adm.user_detail, name="admin_user_detail"),
    path(f"{A}users/<int:pk>/edit/", adm.user_edit, name="admin_user_edit"),
    path(f"{A}users/<int:pk>/roles/new/", adm.membership_grant, name="admin_membership_grant"),
    path(f"{A}users/<int:pk>/clearance/", adm.user_clearance, name="admin_user_clearance"),
    path(f"{A}users/<int:pk>/deactivate/", adm.user_deactivate, name="admin_user_deactivate"),
    path(f"{A}users/<int:pk>/unlock/", adm.user_unlock, name="admin_user_unlock"),
    path(
        f"{A}users/<int:pk>/reset-second-factor/", adm.user_reset_mfa, name="admin_user_reset_mfa"
    ),
    path(f"{A}roles/<int:pk>/end/", adm.membership_end, name="admin_membership_end"),
    path(f"{A}clearance-requests/", adm.clearance_list, name="admin_clearance_list"),
    path(f"{A}clearance-requests/<int:pk>/", adm.clearance_decide, name="admin_clearance_decide"),
    path(f"{A}role-requests/", adm.role_request_list, name="admin_role_request_list"),
    path(f"{A}role-requests/<int:pk>/", adm.role_request_decide, name="admin_role_request_decide"),
    path(f"{A}import/", adm.import_upload, name="admin_import"),
    path(f"{A}import/template.xlsx", adm.import_template, name="admin_import_template"),
]
