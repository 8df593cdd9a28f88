"""Included under ``f/<fund_id>/development/``: every page is fund-scoped."""

from django.urls import path

from kongtun.development import views

urlpatterns = [
    path("", views.process_overview, name="development_process"),
    path("start/", views.process_new, name="development_start"),
    path("edit/", views.process_edit, name="development_edit"),
    path("found/", views.process_found, name="development_found"),
    path("regulation/", views.regulation_draft, name="development_regulation"),
    path("stages/new/", views.stage_new, name="development_stage_new"),
    path("stages/<int:stage_id>/", views.stage_detail, name="development_stage"),
    path("stages/<int:stage_id>/edit/", views.stage_edit, name="development_stage_edit"),
    path(
        "stages/<int:stage_id>/activities/new/",
        views.activity_new,
        name="development_activity_new",
    ),
    path("activities/<int:activity_id>/", views.activity_detail, name="development_activity"),
    path(
        "activities/<int:activity_id>/edit/",
        views.activity_edit,
        name="development_activity_edit",
    ),
    path(
        "activities/<int:activity_id>/evidence/",
        views.evidence_upload,
        name="development_evidence_upload",
    ),
    path(
        "evidence/<int:evidence_id>/",
        views.evidence_download,
        name="development_evidence",
    ),
]
