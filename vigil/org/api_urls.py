from django.urls import path

from vigil.org import api, api_admin, duty_api, records_api

urlpatterns = [
    path("committees/", api.CommitteeList.as_view(), name="api-committee-list"),
    path("committees/<int:pk>/", api.CommitteeDetail.as_view(), name="api-committee-detail"),
    path("agencies/", api.AgencyList.as_view(), name="api-agency-list"),
    path("agencies/<int:pk>/", api.AgencyDetail.as_view(), name="api-agency-detail"),
    path("member-agencies/", api.MemberAgencyList.as_view(), name="api-memberagency-list"),
    path(
        "member-agencies/<int:pk>/",
        api.MemberAgencyDetail.as_view(),
        name="api-memberagency-detail",
    ),
    path("posts/", api.PostList.as_view(), name="api-post-list"),
    path("posts/<int:pk>/", api.PostDetail.as_view(), name="api-post-detail"),
    path("post-holders/", api.PostHolderList.as_view(), name="api-postholder-list"),
    path("post-holders/<int:pk>/", api.PostHolderDetail.as_view(), name="api-postholder-detail"),
    path("contact-points/", api.ContactPointList.as_view(), name="api-contactpoint-list"),
    path(
        "contact-points/<int:pk>/", api.ContactPointDetail.as_view(), name="api-contactpoint-detail"
    ),
    path("duty-shifts/", duty_api.DutyShiftList.as_view(), name="api-dutyshift-list"),
    path("duty-shifts/<int:pk>/", duty_api.DutyShiftDetail.as_view(), name="api-dutyshift-detail"),
    path("admin-units/", api.AdminUnitList.as_view(), name="api-adminunit-list"),
    path("admin-units/<int:pk>/", api.AdminUnitDetail.as_view(), name="api-adminunit-detail"),
    path("users/", api_admin.UserList.as_view(), name="api-user-list"),
    path("users/<int:pk>/", api_admin.UserDetail.as_view(), name="api-user-detail"),
    path(
        "users/<int:pk>/deactivate/", api_admin.UserDeactivate.as_view(), name="api-user-deactivate"
    ),
    path("users/<int:pk>/unlock/", api_admin.UserUnlock.as_view(), name="api-user-unlock"),
    path(
        "users/<int:pk>/reset-second-factor/",
        api_admin.UserResetSecondFactor.as_view(),
        name="api-user-reset-second-factor",
    ),
    path("users/<int:pk>/clearance/", api_admin.UserClearance.as_view(), name="api-user-clearance"),
    path("memberships/", api_admin.MembershipList.as_view(), name="api-membership-list"),
    path(
        "memberships/<int:pk>/", api_admin.MembershipDetail.as_view(), name="api-membership-detail"
    ),
    path(
        "clearance-requests/",
        api_admin.ClearanceRequestList.as_view(),
        name="api-clearancerequest-list",
    ),
    path(
        "clearance-requests/<int:pk>/",
        api_admin.ClearanceRequestDetail.as_view(),
        name="api-clearancerequest-detail",
    ),
    path(
        "clearance-requests/<int:pk>/approve/",
        api_admin.ClearanceApprove.as_view(),
        name="api-clearancerequest-approve",
    ),
    path(
        "clearance-requests/<int:pk>/reject/",
        api_admin.ClearanceReject.as_view(),
        name="api-clearancerequest-reject",
    ),
    path("role-requests/", api_admin.RoleRequestList.as_view(), name="api-rolerequest-list"),
    path(
        "role-requests/<int:pk>/",
        api_admin.RoleRequestDetail.as_view(),
        name="api-rolerequest-detail",
    ),
    path(
        "role-requests/<int:pk>/approve/",
        api_admin.RoleApprove.as_view(),
        name="api-rolerequest-approve",
    ),
    path(
        "role-requests/<int:pk>/reject/",
        api_admin.RoleReject.as_view(),
        name="api-rolerequest-reject",
    ),
    path("issued-numbers/", records_api.IssuedNumberList.as_view(), name="api-issuednumber-list"),
    path("audit-events/", records_api.AuditEventList.as_view(), name="api-auditevent-list"),
]
