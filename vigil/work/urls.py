from django.urls import URLPattern, URLResolver, include, path

from vigil.work import records_views as rv
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
    path("work/documents/<int:pk>/edxml/", rv.document_edxml, name="document_edxml"),
    path("work/plans/", rv.plan_list, name="plan_list"),
    path("work/plans/<int:pk>/", rv.plan_detail, name="plan_detail"),
    path("work/committees/<int:committee_pk>/plans/new/", rv.plan_create, name="plan_create"),
    path(
        "work/plans/<int:pk>/attachments/",
        rv.upload_to,
        {"model": "plan"},
        name="plan_attachment_upload",
    ),
    path("work/meetings/", rv.meeting_list, name="meeting_list"),
    path("work/meetings/<int:pk>/", rv.meeting_detail, name="meeting_detail"),
    path(
        "work/committees/<int:committee_pk>/meetings/new/",
        rv.meeting_create,
        name="meeting_create",
    ),
    path(
        "work/meetings/<int:pk>/attachments/",
        rv.upload_to,
        {"model": "meeting"},
        name="meeting_attachment_upload",
    ),
    path("work/incoming/", rv.incoming_list, name="incoming_list"),
    path("work/incoming/<int:pk>/", rv.incoming_detail, name="incoming_detail"),
    path(
        "work/committees/<int:committee_pk>/incoming/new/",
        rv.incoming_create,
        name="incoming_create",
    ),
    path(
        "work/committees/<int:committee_pk>/incoming/import/",
        rv.incoming_import,
        name="incoming_import",
    ),
    path("work/incoming/<int:pk>/assign/", rv.incoming_assign, name="incoming_assign"),
    path("work/incoming/<int:pk>/tasks/", rv.incoming_tasks, name="incoming_tasks"),
    path(
        "work/incoming/<int:pk>/attachments/",
        rv.upload_to,
        {"model": "incoming"},
        name="incoming_attachment_upload",
    ),
    path("work/calendar/", rv.calendar_page, name="calendar"),
    path("work/calendar/feed/", rv.calendar_feed_manage, name="calendar_feed_manage"),
    path("work/calendar/<str:token>.ics", rv.calendar_feed, name="calendar_feed"),
    path("work/scorecard/", views.scorecard, name="scorecard"),
    path("work/scorecard.xlsx", views.scorecard_xlsx, name="scorecard_xlsx"),
    path("work/reports/", include("vigil.work.obligations.urls")),
]
