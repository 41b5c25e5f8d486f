from django.urls import path

from vigil.org.people import api

urlpatterns = [
    path("users/", api.UserList.as_view(), name="api-user-list"),
    path("users/<int:pk>/", api.UserDetail.as_view(), name="api-user-detail"),
    path("users/<int:pk>/deactivate/", api.UserDeactivate.as_view(), name="api-user-deactivate"),
    path("users/<int:pk>/unlock/", api.UserUnlock.as_view(), name="api-user-unlock"),
    path(
        "users/<int:pk>/reset-second-factor/",
        api.UserResetSecondFactor.as_view(),
        name="api-user-reset-second-factor",
    ),
    path("users/<int:pk>/clearance/", api.UserClearance.as_view(), name="api-user-clearance"),
    path("memberships/", api.MembershipList.as_view(), name="api-membership-list"),
    path("memberships/<int:pk>/", api.MembershipDetail.as_view(), name="api-membership-detail"),
    path(
        "clearance-requests/",
        api.ClearanceRequestList.as_view(),
        name="api-clearancerequest-list",
    ),
    path(
        "clearance-requests/<int:pk>/",
        api.ClearanceRequestDetail.as_view(),
        name="api-clearancerequest-detail",
    ),
    path(
        "clearance-requests/<int:pk>/approve/",
        api.ClearanceApprove.as_view(),
        name="api-clearancerequest-approve",
    ),
    path(
        "clearance-requests/<int:pk>/reject/",
        api.ClearanceReject.as_view(),
        name="api-clearancerequest-reject",
    ),
    path("role-requests/", api.RoleRequestList.as_view(), name="api-rolerequest-list"),
    path(
        "role-requests/<int:pk>/",
        api.RoleRequestDetail.as_view(),
        name="api-rolerequest-detail",
    ),
    path(
        "role-requests/<int:pk>/approve/",
        api.RoleApprove.as_view(),
        name="api-rolerequest-approve",
    ),
    path(
        "role-requests/<int:pk>/reject/",
        api.RoleReject.as_view(),
        name="api-rolerequest-reject",
    ),
]
