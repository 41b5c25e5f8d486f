from django.urls import path

from vigil.org.people import views as adm

# Under "administration/" (see vigil.org.urls).
urlpatterns = [
    path("users/", adm.user_list, name="admin_user_list"),
    path("users/new/", adm.user_create, name="admin_user_create"),
    path("users/<int:pk>/", adm.user_detail, name="admin_user_detail"),
    path("users/<int:pk>/edit/", adm.user_edit, name="admin_user_edit"),
    path("users/<int:pk>/roles/new/", adm.membership_grant, name="admin_membership_grant"),
    path("users/<int:pk>/clearance/", adm.user_clearance, name="admin_user_clearance"),
    path("users/<int:pk>/deactivate/", adm.user_deactivate, name="admin_user_deactivate"),
    path("users/<int:pk>/unlock/", adm.user_unlock, name="admin_user_unlock"),
    path("users/<int:pk>/reset-second-factor/", adm.user_reset_mfa, name="admin_user_reset_mfa"),
    path("roles/<int:pk>/end/", adm.membership_end, name="admin_membership_end"),
    path("clearance-requests/", adm.clearance_list, name="admin_clearance_list"),
    path("clearance-requests/<int:pk>/", adm.clearance_decide, name="admin_clearance_decide"),
    path("role-requests/", adm.role_request_list, name="admin_role_request_list"),
    path("role-requests/<int:pk>/", adm.role_request_decide, name="admin_role_request_decide"),
]
