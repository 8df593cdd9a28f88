"""Included under ``f/<fund_id>/claims/``: every page is fund-scoped (``fund_view``)."""

from django.urls import path

from kongtun.claims import views

urlpatterns = [
    path("", views.claim_list, name="claim_list"),
    path("new/", views.claim_new, name="claim_new"),
    path("settings/", views.claims_settings, name="claims_settings"),
    path("recurring/", views.recurring_list, name="claims_recurring"),
    path("<int:claim_id>/", views.claim_detail, name="claim_detail"),
    path("<int:claim_id>/review/", views.claim_review_view, name="claim_review"),
    path("<int:claim_id>/evidence/", views.claim_evidence_upload, name="claim_evidence_upload"),
    path("<int:claim_id>/evidence/paper/", views.claim_evidence_paper, name="claim_evidence_paper"),
    path(
        "<int:claim_id>/evidence/<int:evidence_id>/",
        views.claim_evidence_file,
        name="claim_evidence_file",
    ),
    path("<int:claim_id>/redecide/", views.claim_redecide_view, name="claim_redecide"),
    path(
        "<int:claim_id>/deadline-exception/",
        views.claim_deadline_exception_view,
        name="claim_deadline_exception",
    ),
    path("<int:claim_id>/pay/", views.claim_pay_view, name="claim_pay"),
    path("<int:claim_id>/pay/cancel/", views.payout_void_view, name="claim_payout_void"),
    path("<int:claim_id>/voucher/", views.claim_voucher, name="claim_voucher"),
]
