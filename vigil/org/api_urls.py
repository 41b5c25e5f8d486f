from django.urls import URLPattern, URLResolver, include, path

from vigil.org import api

urlpatterns: list[URLPattern | URLResolver] = [
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
    path("admin-units/", api.AdminUnitList.as_view(), name="api-adminunit-list"),
    path("admin-units/<int:pk>/", api.AdminUnitDetail.as_view(), name="api-adminunit-detail"),
    path("", include("vigil.org.duty.api_urls")),
    path("", include("vigil.org.people.api_urls")),
    path("", include("vigil.org.registers.api_urls")),
    path("", include("vigil.org.audit.api_urls")),
]
