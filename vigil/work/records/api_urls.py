from django.urls import URLPattern, path

from vigil.work.records import api

urlpatterns: list[URLPattern] = [
    path("work-plans/", api.PlanList.as_view(), name="api-workplan-list"),
    path("work-plans/<int:pk>/", api.PlanDetail.as_view(), name="api-workplan-detail"),
    path("work-plans/<int:pk>/tasks/", api.PlanTasks.as_view(), name="api-workplan-tasks"),
    path("meetings/", api.MeetingList.as_view(), name="api-meeting-list"),
    path("meetings/<int:pk>/", api.MeetingDetail.as_view(), name="api-meeting-detail"),
    path("meetings/<int:pk>/tasks/", api.MeetingTasks.as_view(), name="api-meeting-tasks"),
]
