from django.urls import URLPattern, path

from vigil.work.documents import views

urlpatterns: list[URLPattern] = [
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
    path("work/documents/<int:pk>/edxml/", views.document_edxml, name="document_edxml"),
    path("work/incoming/", views.incoming_list, name="incoming_list"),
    path("work/incoming/<int:pk>/", views.incoming_detail, name="incoming_detail"),
    path(
        "work/committees/<int:committee_pk>/incoming/new/",
        views.incoming_create,
        name="incoming_create",
    ),
    path(
        "work/committees/<int:committee_pk>/incoming/import/",
        views.incoming_import,
        name="incoming_import",
    ),
    path("work/incoming/<int:pk>/assign/", views.incoming_assign, name="incoming_assign"),
    path("work/incoming/<int:pk>/tasks/", views.incoming_tasks, name="incoming_tasks"),
    path(
        "work/incoming/<int:pk>/attachments/",
        views.incoming_attachment_upload,
        name="incoming_attachment_upload",
    ),
]
