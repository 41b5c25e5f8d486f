from django.urls import URLPattern, URLResolver, include, path

from vigil.work import views

app_name = "work"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include("vigil.work.tasks.urls")),
    path("", include("vigil.work.documents.urls")),
    path("", include("vigil.work.records.urls")),
    path("work/calendar/", views.calendar_page, name="calendar"),
    path("work/calendar/feed/", views.calendar_feed_manage, name="calendar_feed_manage"),
    path("work/calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    path("", include("vigil.work.figures.urls")),
    path("work/scorecard/", views.scorecard, name="scorecard"),
    path("work/scorecard.xlsx", views.scorecard_xlsx, name="scorecard_xlsx"),
    path("work/reports/", include("vigil.work.obligations.urls")),
]
