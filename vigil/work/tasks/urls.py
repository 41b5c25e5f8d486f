from django.urls import URLPattern, path

from vigil.work.tasks import views

urlpatterns: list[URLPattern] = [
    path("work/tasks/", views.task_list, name="task_list"),
    path("work/tasks/new/", views.task_create, name="task_create"),
    path("work/tasks/<int:pk>/", views.task_detail, name="task_detail"),
    *[
        path(f"work/tasks/<int:pk>/{verb}/", views.task_action, {"verb": verb}, name=f"task_{verb}")
        for verb in ("acknowledge", "progress", "done", "accept", "return", "cancel", "edit")
    ],
    path(
        "work/tasks/<int:pk>/attachments/",
        views.task_attachment_upload,
        name="task_attachment_upload",
    ),
]
