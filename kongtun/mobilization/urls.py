"""Included under ``f/<fund_id>/mobilization/``: every page is fund-scoped (``fund_view``)."""

from django.urls import path

from kongtun.mobilization import views

urlpatterns = [
    path("", views.overview, name="mobilization_home"),
    path("agencies/", views.agencies, name="mobilization_agencies"),
    path("agencies/<int:agency_id>/", views.agency_detail, name="mobilization_agency"),
    path("money/new/", views.money_new, name="mobilization_money_new"),
    path("requests/new/", views.request_new, name="mobilization_request_new"),
    path("requests/<int:request_id>/", views.request_detail, name="mobilization_request"),
    path("requests/<int:request_id>/edit/", views.request_edit, name="mobilization_request_edit"),
    path(
        "requests/<int:request_id>/recompute/",
        views.request_recompute,
        name="mobilization_request_recompute",
    ),
    path(
        "requests/<int:request_id>/submit/",
        views.request_submit,
        name="mobilization_request_submit",
    ),
    path(
        "requests/<int:request_id>/receive/",
        views.request_receive,
        name="mobilization_request_receive",
    ),
    path(
        "requests/<int:request_id>/print/", views.request_print, name="mobilization_request_print"
    ),
    path(
        "requests/<int:request_id>/xlsx/",
        views.request_download,
        name="mobilization_request_xlsx",
    ),
]
