from django.urls import URLPattern, path

from vigil.work.tasks import api

urlpatterns: list[URLPattern] = [
    path("tasks/", api.TaskList.as_view(), name="api-task-list"),
    path("tasks/<int:pk>/", api.TaskDetail.as_view(), name="api-task-detail"),
    path("tasks/<int:pk>/acknowledge/", api.TaskAcknowledge.as_view(), name="api-task-acknowledge"),
    path("tasks/<int:pk>/progress/", api.TaskProgress.as_view(), name="api-task-progress"),
    path("tasks/<int:pk>/done/", api.TaskDone.as_view(), name="api-task-done"),
    path("tasks/<int:pk>/accept/", api.TaskAccept.as_view(), name="api-task-accept"),
    path("tasks/<int:pk>/return/", api.TaskReturn.as_view(), name="api-task-return"),
    path("tasks/<int:pk>/cancel/", api.TaskCancel.as_view(), name="api-task-cancel"),
]
