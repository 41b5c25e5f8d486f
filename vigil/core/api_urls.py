from django.urls import path

from vigil.core import attachments_api

urlpatterns = [
    path("attachments/", attachments_api.AttachmentList.as_view(), name="api-attachment-list"),
    path(
        "attachments/<int:pk>/",
        attachments_api.AttachmentDetail.as_view(),
        name="api-attachment-detail",
    ),
    path(
        "attachments/<int:pk>/download/",
        attachments_api.AttachmentDownload.as_view(),
        name="api-attachment-download",
    ),
]
