from django.urls import URLPattern, path

from vigil.work.documents import api

urlpatterns: list[URLPattern] = [
    path("documents/", api.DocumentList.as_view(), name="api-document-list"),
    path("documents/<int:pk>/", api.DocumentDetail.as_view(), name="api-document-detail"),
    path("documents/<int:pk>/edxml/", api.DocumentEdxml.as_view(), name="api-document-edxml"),
    path("incoming-documents/", api.IncomingList.as_view(), name="api-incomingdocument-list"),
    path(
        "incoming-documents/import/",
        api.IncomingImport.as_view(),
        name="api-incomingdocument-import",
    ),
    path(
        "incoming-documents/<int:pk>/",
        api.IncomingDetail.as_view(),
        name="api-incomingdocument-detail",
    ),
    path(
        "incoming-documents/<int:pk>/assign/",
        api.IncomingAssign.as_view(),
        name="api-incomingdocument-assign",
    ),
    path(
        "incoming-documents/<int:pk>/tasks/",
        api.IncomingTasks.as_view(),
        name="api-incomingdocument-tasks",
    ),
]
