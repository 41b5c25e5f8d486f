"""The counts pages."""

from django.urls import URLPattern, URLResolver, path

from vigil.controlled.counts import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("stores/<int:store_pk>/count/", views.count_create, name="count_create"),
    path("counts/", views.count_list, name="count_list"),
    path("counts/<int:pk>/", views.count_detail, name="count_detail"),
    path("counts/<int:pk>/submit/", views.count_submit, name="count_submit"),
    path("discrepancies/<int:pk>/resolve/", views.discrepancy_resolve, name="discrepancy_resolve"),
]
