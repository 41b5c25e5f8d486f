"""The alert pages, in the ``situation`` namespace under ``situation/alerts/``."""

from django.urls import URLPattern, URLResolver, path

from vigil.situation.alerts import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.alert_list, name="alert_list"),
    path("new/", views.alert_new, name="alert_new"),
    path("<int:pk>/", views.alert_detail, name="alert_detail"),
    path("<int:pk>/edit/", views.alert_edit, name="alert_edit"),
    path("<int:pk>/withdraw/", views.alert_withdraw, name="alert_withdraw"),
    path("<int:pk>/approve/", views.alert_approve, name="alert_approve"),
    path("<int:pk>/acknowledge/", views.alert_acknowledge, name="alert_acknowledge"),
    path("<int:pk>/code/", views.alert_ack_code, name="alert_ack_code"),
    path("<int:pk>/update/", views.alert_update, name="alert_update"),
    path("<int:pk>/cancel/", views.alert_cancel, name="alert_cancel"),
    path("<int:pk>/board/", views.alert_board, name="alert_board"),
]
