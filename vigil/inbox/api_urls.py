from django.urls import path

from vigil.inbox import api

urlpatterns = [
    path("notifications/", api.NotificationList.as_view(), name="api-notification-list"),
    path(
        "notifications/<int:pk>/read/",
        api.NotificationRead.as_view(),
        name="api-notification-read",
    ),
    path("holidays/", api.HolidayList.as_view(), name="api-holiday-list"),
]
