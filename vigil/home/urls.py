from django.urls import path

from vigil.home import views

app_name = "home"
urlpatterns = [path("", views.index, name="index")]
