from django.urls import path

from vigil.inbox import views
from vigil.org.administration import views as administration

app_name = "inbox"
# The holiday table's pages are org's administration pages; their paths and names stay.
urlpatterns = [
    path("inbox/", views.inbox, name="index"),
    path("inbox/unread-count/", views.unread_count, name="unread_count"),
    path("inbox/<int:pk>/read/", views.mark_read, name="mark_read"),
    path("inbox/read-all/", views.mark_all_read, name="mark_all_read"),
    path("holidays/", administration.holidays, name="holidays"),
    path("escalation-policies/", views.policies, name="policies"),
    path("holidays/<int:pk>/delete/", administration.holiday_delete, name="holiday_delete"),
]
