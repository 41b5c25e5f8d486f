from django.urls import path

from vigil.org.audit import api

urlpatterns = [
    path("audit-events/", api.AuditEventList.as_view(), name="api-auditevent-list"),
]
