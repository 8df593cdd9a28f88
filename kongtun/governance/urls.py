"""Included under ``f/<fund_id>/governance/``: every page is fund-scoped (``fund_view``)."""

from django.urls import path

from kongtun.governance import views

urlpatterns = [
    path("", views.committee, name="governance_committee"),
    path("terms/new/", views.term_new, name="governance_term_new"),
    path("terms/<int:term_id>/end/", views.term_end_view, name="governance_term_end"),
    path("meetings/", views.meeting_list, name="governance_meetings"),
    path("meetings/new/", views.meeting_new, name="governance_meeting_new"),
    path("meetings/<int:meeting_id>/", views.meeting_detail, name="governance_meeting"),
    path("meetings/<int:meeting_id>/edit/", views.meeting_edit, name="governance_meeting_edit"),
    path(
        "meetings/<int:meeting_id>/attendance/",
        views.meeting_attendance,
        name="governance_attendance",
    ),
    path(
        "meetings/<int:meeting_id>/resolutions/new/",
        views.resolution_new,
        name="governance_resolution_new",
    ),
    path("resolutions/", views.resolution_list, name="governance_resolutions"),
    path("rules/", views.rules, name="governance_rules"),
]
