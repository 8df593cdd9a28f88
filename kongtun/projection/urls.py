"""Included under ``f/<fund_id>/projection/``: every page is fund-scoped."""

from django.urls import path

from kongtun.projection import views

urlpatterns = [
    path("", views.projection_home, name="projection_home"),
    path("runs/<int:run_id>/", views.projection_run, name="projection_run"),
    path("runs/<int:run_id>/compare/", views.projection_compare, name="projection_compare"),
    path("runs/<int:run_id>/solve/", views.projection_solve, name="projection_solve"),
    path(
        "runs/<int:run_id>/sensitivity/",
        views.projection_sensitivity,
        name="projection_sensitivity",
    ),
    path("runs/<int:run_id>/status.json", views.projection_status, name="projection_status"),
    path("runs/<int:run_id>/cancel/", views.projection_cancel, name="projection_cancel"),
    path("runs/<int:run_id>/chart.svg", views.projection_svg, name="projection_svg"),
    path("runs/<int:run_id>/chart.png", views.projection_png, name="projection_png"),
    path("runs/<int:run_id>/report.pdf", views.projection_pdf, name="projection_pdf"),
    path("runs/<int:run_id>/report.xlsx", views.projection_xlsx, name="projection_xlsx"),
]
