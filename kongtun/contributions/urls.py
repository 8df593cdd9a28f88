from django.urls import path

from kongtun.contributions import views

urlpatterns = [
    path("", views.overview, name="contributions_overview"),
    path("pay/", views.pay, name="contributions_pay"),
    path("batch/", views.batch, name="contributions_batch"),
    path("lookup/", views.member_lookup, name="contributions_lookup"),
    path("receipts/", views.receipts, name="contributions_receipts"),
    path("receipts/print/", views.receipts_print, name="contributions_receipts_print"),
    path("receipts/<int:receipt_id>/", views.receipt_detail, name="receipt_detail"),
    path("receipts/<int:receipt_id>/void/", views.receipt_void_view, name="receipt_void"),
    path("arrears/", views.arrears, name="contributions_arrears"),
    path("settings/", views.settings_page, name="contributions_settings"),
    path("members/<int:member_id>/plan/", views.member_plan, name="contributions_member_plan"),
]
