from django.urls import path

from vigil.core import views

app_name = "core"
urlpatterns = [
    path("attachments/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("attachments/<int:pk>/delete/", views.attachment_delete, name="attachment_delete"),
]
