from django.urls import path

from vigil.org.audit import views

urlpatterns = [
    path("audit/", views.audit_log, name="audit_log"),
    path("audit/verify/", views.audit_verify, name="audit_verify"),
    path(
        "audit/object/<str:object_type>/<str:object_id>/",
        views.audit_object,
        name="audit_object",
    ),
]
