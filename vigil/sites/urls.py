from django.urls import path

from vigil.sites import figures_views, views

app_name = "sites"

urlpatterns = [
    path("sites/", views.site_list, name="site_list"),
    path("sites/new/", views.site_create, name="site_create"),
    path("sites/risks/", views.risk_register, name="risk_register"),
    path("sites/<int:pk>/", views.site_detail, name="site_detail"),
    path("sites/<int:pk>/edit/", views.site_edit, name="site_edit"),
    path("sites/<int:pk>/archive/", views.site_archive, name="site_archive"),
    path("sites/<int:pk>/assess/", views.assessment_create, name="assessment_create"),
    path("plans/new/", views.plan_create, name="plan_create"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/versions/new/", views.version_add, name="version_add"),
    path("plan-versions/<int:pk>/edit/", views.version_edit, name="version_edit"),
    path("plan-versions/<int:pk>/submit/", views.version_submit, name="version_submit"),
    path("plan-versions/<int:pk>/approve/", views.version_approve, name="version_approve"),
    path("plan-versions/<int:pk>/return/", views.version_return, name="version_return"),
]

# The map (issue 23, part 2).
urlpatterns += [path("sites/map/", views.site_map, name="site_map")]

# Printing, export and bulk import (issue 23, parts 3 and 6).
urlpatterns += [
    path("sites/export.xlsx", views.site_export, name="site_export"),
    path("sites/import/", views.site_import, name="site_import"),
    path("sites/import/template.xlsx", views.site_import_template, name="site_import_template"),
    path("plan-versions/<int:pk>/docx/", views.version_docx, name="version_docx"),
]

# The figures of a period (issue 27: the annual review's "key sites and plans").
urlpatterns += [path("sites/figures/", figures_views.figures_page, name="figures")]
