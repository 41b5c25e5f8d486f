from django.urls import path

from vigil.work.obligations import api

urlpatterns = [
    path("report-obligations/", api.ObligationList.as_view(), name="api-reportobligation-list"),
    path(
        "report-obligations/<int:pk>/",
        api.ObligationDetail.as_view(),
        name="api-reportobligation-detail",
    ),
    path(
        "report-obligations/<int:pk>/open-period/",
        api.ObligationOpenPeriod.as_view(),
        name="api-reportobligation-open-period",
    ),
    path("report-submissions/", api.SubmissionList.as_view(), name="api-reportsubmission-list"),
    path(
        "report-submissions/<int:pk>/",
        api.SubmissionDetail.as_view(),
        name="api-reportsubmission-detail",
    ),
    path(
        "report-submissions/<int:pk>/submit/",
        api.SubmissionSubmit.as_view(),
        name="api-reportsubmission-submit",
    ),
    path(
        "report-submissions/<int:pk>/return/",
        api.SubmissionReturn.as_view(),
        name="api-reportsubmission-return",
    ),
    path(
        "report-submissions/<int:pk>/accept/",
        api.SubmissionAccept.as_view(),
        name="api-reportsubmission-accept",
    ),
    path("consolidations/", api.ConsolidationList.as_view(), name="api-consolidation-list"),
    path(
        "consolidations/<int:pk>/",
        api.ConsolidationDetail.as_view(),
        name="api-consolidation-detail",
    ),
]
