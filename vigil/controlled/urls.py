from django.urls import path

from vigil.controlled import registry_views as rv
from vigil.controlled import transfer_views as tv
from vigil.controlled import views

app_name = "controlled"

urlpatterns = [
    path("controlled/stores/", views.store_list, name="store_list"),
    path("controlled/stores/<int:pk>/", views.store_detail, name="store_detail"),
    path(
        "controlled/stores/<int:store_pk>/movement/",
        views.movement_create,
        name="movement_create",
    ),
    path("controlled/movements/", views.movement_list, name="movement_list"),
    path("controlled/licences/", views.licence_list, name="licence_list"),
    # The registry (issue 12, registry and views)
    path("controlled/organisations/", rv.organisation_list, name="organisation_list"),
    path("controlled/organisations/new/", rv.organisation_create, name="organisation_create"),
    path("controlled/organisations/<int:pk>/", rv.organisation_detail, name="organisation_detail"),
    path("controlled/organisations/<int:pk>/edit/", rv.organisation_edit, name="organisation_edit"),
    path(
        "controlled/organisations/<int:org_pk>/licences/new/",
        rv.licence_create,
        name="licence_create",
    ),
    path("controlled/organisations/<int:org_pk>/stores/new/", rv.store_create, name="store_create"),
    path("controlled/licences/<int:pk>/", rv.licence_detail, name="licence_detail"),
    path("controlled/licences/<int:pk>/edit/", rv.licence_edit, name="licence_edit"),
    path("controlled/licences/<int:pk>/status/", rv.licence_status, name="licence_status"),
    path("controlled/stores/<int:pk>/edit/", rv.store_edit, name="store_edit"),
    path(
        "controlled/stores/<int:store_pk>/inspections/new/",
        rv.inspection_create,
        name="inspection_create",
    ),
    path("controlled/stores/<int:store_pk>/transfer/", tv.transfer_create, name="transfer_create"),
    path("controlled/inspections/<int:pk>/", rv.inspection_detail, name="inspection_detail"),
    path("controlled/inspections/<int:pk>/attach/", rv.inspection_attach, name="inspection_attach"),
    path("controlled/balances/", rv.balance_list, name="balance_list"),
    path("controlled/transfers/", tv.transfer_list, name="transfer_list"),
    path("controlled/transfers/<int:pk>/", tv.transfer_detail, name="transfer_detail"),
    path("controlled/transfers/<int:pk>/receive/", tv.transfer_receive, name="transfer_receive"),
    path("controlled/transfers/<int:pk>/cancel/", tv.transfer_cancel, name="transfer_cancel"),
]
