from django.urls import path

from vigil.inbox import views

app_name = "inbox"
urlpatterns = [
    path("inbox/", views.inbox, name="index"),
    path("inbox/unread-count/", views.unread_count, name="unread_count"),
    path("inbox/<int:pk>/read/", views.mark_read, name="mark_read"),
    path("inbox/read-all/", views.mark_all_read, name="mark_all_read"),
    path("holidays/", views.holidays, name="holidays"),
    path("escalation-policies/", views.policies, name="policies"),
    path("holidays/<int:pk>/delete/", views.holiday_delete, name="holiday_delete"),
]
