from django.urls import URLPattern, URLResolver, path

from vigil.work import views

app_name = "work"

urlpatterns: list[URLPattern | URLResolver] = [
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
    path("work/documents/", views.document_list, name="document_list"),
    path(
        "work/committees/<int:committee_pk>/documents/new/",
        views.document_create,
        name="document_create",
    ),
    path("work/documents/<int:pk>/", views.document_detail, name="document_detail"),
    path("work/documents/<int:pk>/docx/", views.document_docx, name="document_docx"),
    path(
        "work/documents/<int:pk>/attachments/",
        views.document_attachment_upload,
        name="document_attachment_upload",
    ),
    path("work/scorecard/", views.scorecard, name="scorecard"),
    path("work/scorecard.xlsx", views.scorecard_xlsx, name="scorecard_xlsx"),
]
