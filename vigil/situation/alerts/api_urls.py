from django.urls import URLPattern, URLResolver, path

from vigil.situation.alerts import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("alerts/", api.AlertList.as_view(), name="api-alert-list"),
    path("alerts/sms/", api.SmsInbound.as_view(), name="api-alert-sms"),
    path("alerts/<int:pk>/", api.AlertDetail.as_view(), name="api-alert-detail"),
    path("alerts/<int:pk>/approve/", api.AlertApprove.as_view(), name="api-alert-approve"),
    path(
        "alerts/<int:pk>/acknowledge/",
        api.AlertAcknowledge.as_view(),
        name="api-alert-acknowledge",
    ),
    path(
        "alerts/<int:pk>/acknowledge-by-code/",
        api.AlertAcknowledgeByCode.as_view(),
        name="api-alert-acknowledge-by-code",
    ),
    path("alerts/<int:pk>/update/", api.AlertUpdate.as_view(), name="api-alert-update"),
    path("alerts/<int:pk>/cancel/", api.AlertCancel.as_view(), name="api-alert-cancel"),
    path("alerts/<int:pk>/board/", api.AlertBoard.as_view(), name="api-alert-board"),
]
