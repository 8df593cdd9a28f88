"""Included under ``f/<fund_id>/reports/``: every page is fund-scoped (``fund_view``)."""

from django.urls import path

from kongtun.reports import views

urlpatterns = [
    path("", views.reports_home, name="reports_home"),
    path("monthly/", views.monthly, name="reports_monthly"),
    path("annual/", views.annual, name="reports_annual"),
    path("members/<int:member_id>/", views.statement, name="reports_statement"),
    path("matching/<int:request_id>/", views.matching, name="reports_matching"),
    path("verify/", views.verify_books, name="reports_verify"),
]
