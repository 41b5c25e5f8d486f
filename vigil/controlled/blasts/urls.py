"""The blasts pages."""

from django.urls import URLPattern, URLResolver, path

from vigil.controlled.blasts import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("stores/<int:store_pk>/blast/", views.blast_create, name="blast_create"),
    path("blasts/", views.blast_list, name="blast_list"),
    path("blasts/<int:pk>/", views.blast_detail, name="blast_detail"),
    path("blasts/<int:pk>/results/", views.blast_results, name="blast_results"),
    path("blasts/<int:pk>/close/", views.blast_close, name="blast_close"),
]
