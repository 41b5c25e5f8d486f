from django.urls import URLPattern, URLResolver, include, path

from vigil.work import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("tasks/", api.TaskList.as_view(), name="api-task-list"),
    path("tasks/<int:pk>/", api.TaskDetail.as_view(), name="api-task-detail"),
    path("tasks/<int:pk>/acknowledge/", api.TaskAcknowledge.as_view(), name="api-task-acknowledge"),
    path("tasks/<int:pk>/progress/", api.TaskProgress.as_view(), name="api-task-progress"),
    path("tasks/<int:pk>/done/", api.TaskDone.as_view(), name="api-task-done"),
    path("tasks/<int:pk>/accept/", api.TaskAccept.as_view(), name="api-task-accept"),
    path("tasks/<int:pk>/return/", api.TaskReturn.as_view(), name="api-task-return"),
    path("tasks/<int:pk>/cancel/", api.TaskCancel.as_view(), name="api-task-cancel"),
    path("documents/", api.DocumentList.as_view(), name="api-document-list"),
    path("documents/<int:pk>/", api.DocumentDetail.as_view(), name="api-document-detail"),
    path("documents/<int:pk>/edxml/", api.DocumentEdxml.as_view(), name="api-document-edxml"),
    path("scorecard/", api.ScorecardView.as_view(), name="api-scorecard"),
    path("work-plans/", api.PlanList.as_view(), name="api-workplan-list"),
    path("work-plans/<int:pk>/", api.PlanDetail.as_view(), name="api-workplan-detail"),
    path("work-plans/<int:pk>/tasks/", api.PlanTasks.as_view(), name="api-workplan-tasks"),
    path("meetings/", api.MeetingList.as_view(), name="api-meeting-list"),
    path("meetings/<int:pk>/", api.MeetingDetail.as_view(), name="api-meeting-detail"),
    path("meetings/<int:pk>/tasks/", api.MeetingTasks.as_view(), name="api-meeting-tasks"),
    path("incoming-documents/", api.IncomingList.as_view(), name="api-incomingdocument-list"),
    path(
        "incoming-documents/import/",
        api.IncomingImport.as_view(),
        name="api-incomingdocument-import",
    ),
    path(
        "incoming-documents/<int:pk>/",
        api.IncomingDetail.as_view(),
        name="api-incomingdocument-detail",
    ),
    path(
        "incoming-documents/<int:pk>/assign/",
        api.IncomingAssign.as_view(),
        name="api-incomingdocument-assign",
    ),
    path(
        "incoming-documents/<int:pk>/tasks/",
        api.IncomingTasks.as_view(),
        name="api-incomingdocument-tasks",
    ),
    path("", include("vigil.work.obligations.api_urls")),
]
