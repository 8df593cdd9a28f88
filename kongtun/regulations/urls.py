"""Included under ``f/<fund_id>/regulations/``: every page is fund-scoped (``fund_view``)."""

from django.urls import path

from kongtun.regulations import views

urlpatterns = [
    path("", views.regulation_list, name="regulation_list"),
    path("new/", views.regulation_new, name="regulation_new"),
    path("import/", views.regulation_import, name="regulation_import"),
    path("<int:version_id>/", views.regulation_detail, name="regulation_detail"),
    path("<int:version_id>/export/", views.regulation_export, name="regulation_export"),
    path("<int:version_id>/check/", views.regulation_check, name="regulation_check"),
    path("<int:version_id>/approve/", views.regulation_approve, name="regulation_approve"),
    path("<int:version_id>/edit/", views.regulation_edit, name="regulation_edit"),
    path("<int:version_id>/edit/yaml/", views.regulation_edit_yaml, name="regulation_edit_yaml"),
    path(
        "<int:version_id>/edit/benefits/new/",
        views.regulation_add_benefit,
        name="regulation_add_benefit",
    ),
    path(
        "<int:version_id>/edit/benefits/<int:benefit_index>/",
        views.regulation_edit_benefit,
        name="regulation_edit_benefit",
    ),
    path(
        "<int:version_id>/edit/benefits/<int:benefit_index>/remove/",
        views.regulation_remove_benefit,
        name="regulation_remove_benefit",
    ),
    path(
        "<int:version_id>/edit/clauses/new/",
        views.regulation_add_clause,
        name="regulation_add_clause",
    ),
    path(
        "<int:version_id>/edit/clauses/<int:clause_index>/",
        views.regulation_edit_clause,
        name="regulation_edit_clause",
    ),
]
