from django.urls import path

from vigil.org.administration import views as adm

# Under "administration/" (see vigil.org.urls).
urlpatterns = [
    path("", adm.index, name="admin_index"),
    path("committees/<int:pk>/", adm.committee, name="admin_committee"),
    path("committees/<int:pk>/new/", adm.committee_create, name="admin_committee_create"),
    path("committees/<int:pk>/edit/", adm.committee_edit, name="admin_committee_edit"),
    path("committees/<int:pk>/members/new/", adm.member_add, name="admin_member_add"),
    path("committees/<int:pk>/posts/new/", adm.post_create, name="admin_post_create"),
    path("member-agencies/<int:pk>/end/", adm.member_end, name="admin_member_end"),
    path("posts/<int:pk>/edit/", adm.post_edit, name="admin_post_edit"),
    path("posts/<int:pk>/appoint/", adm.holder_appoint, name="admin_holder_appoint"),
    path("holders/<int:pk>/end/", adm.holder_end, name="admin_holder_end"),
    path("agencies/", adm.agency_list, name="admin_agency_list"),
    path("agencies/new/", adm.agency_create, name="admin_agency_create"),
    path("agencies/<int:pk>/edit/", adm.agency_edit, name="admin_agency_edit"),
    path("import/", adm.import_upload, name="admin_import"),
    path("import/template.xlsx", adm.import_template, name="admin_import_template"),
]
