from django.urls import path

from vigil.sites import api, figures_api

urlpatterns = [
    path("sites/", api.SiteList.as_view(), name="api-site-list"),
    path("sites/<int:pk>/", api.SiteDetail.as_view(), name="api-site-detail"),
    path("plans/", api.ContingencyPlanList.as_view(), name="api-plan-list"),
    path("plans/<int:pk>/", api.ContingencyPlanDetail.as_view(), name="api-plan-detail"),
    path("plan-versions/", api.VersionList.as_view(), name="api-planversion-list"),
    path("plan-versions/<int:pk>/", api.VersionDetail.as_view(), name="api-planversion-detail"),
    path(
        "plan-versions/<int:pk>/submit/",
        api.VersionSubmit.as_view(),
        name="api-planversion-submit",
    ),
    path(
        "plan-versions/<int:pk>/approve/",
        api.VersionApprove.as_view(),
        name="api-planversion-approve",
    ),
    path(
        "plan-versions/<int:pk>/return/",
        api.VersionReturn.as_view(),
        name="api-planversion-return",
    ),
    path("risk-assessments/", api.AssessmentList.as_view(), name="api-riskassessment-list"),
    path(
        "risk-assessments/<int:pk>/",
        api.AssessmentDetail.as_view(),
        name="api-riskassessment-detail",
    ),
]

# The map's data (before it, "sites/<int:pk>/" would not match "map" anyway).
urlpatterns += [path("sites/map/", api.SiteMap.as_view(), name="api-site-map")]

# Printing (issue 23, part 3).
urlpatterns += [
    path(
        "plan-versions/<int:pk>/docx/",
        api.VersionDocx.as_view(),
        name="api-planversion-docx",
    ),
]

# The figures of a period (issue 27).
urlpatterns += [
    path("site-figures/", figures_api.SiteFiguresView.as_view(), name="api-site-figures")
]
