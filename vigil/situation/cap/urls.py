"""CAP pages, under situation/cap/ in the ``situation`` namespace."""

from django.urls import URLPattern, URLResolver, path

from vigil.situation.cap import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("alerts/<int:pk>/cap.xml", views.alert_cap, name="alert_cap"),
    path("import/<int:committee_pk>/", views.alert_import_cap, name="alert_import_cap"),
    path("feed/", views.alert_feed_manage, name="alert_feed_manage"),
    path("feed/<str:token>.atom", views.alert_feed, name="alert_feed"),
]
