from django.urls import URLPattern, path

from vigil.work.records import views

urlpatterns: list[URLPattern] = [
    path("work/plans/", views.plan_list, name="plan_list"),
    path("work/plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("work/committees/<int:committee_pk>/plans/new/", views.plan_create, name="plan_create"),
    path(
        "work/plans/<int:pk>/attachments/",
        views.upload_to,
        {"model": "plan"},
        name="plan_attachment_upload",
    ),
    path("work/meetings/", views.meeting_list, name="meeting_list"),
    path("work/meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path(
        "work/committees/<int:committee_pk>/meetings/new/",
        views.meeting_create,
        name="meeting_create",
    ),
    path(
        "work/meetings/<int:pk>/attachments/",
        views.upload_to,
        {"model": "meeting"},
        name="meeting_attachment_upload",
    ),
]
