"""Included under ``f/<fund_id>/assessment/``: every page is fund-scoped."""

from django.urls import path

from kongtun.assessment import views

urlpatterns = [
    path("", views.assessment_home, name="assessment_home"),
    path("factors/", views.factor_list, name="assessment_factors"),
    path("questions/", views.question_bank, name="assessment_questions"),
    path("questions/<int:question_id>/", views.question_edit, name="assessment_question_edit"),
    path("rounds/new/", views.round_new, name="assessment_round_new"),
    path("rounds/<int:round_id>/", views.round_detail, name="assessment_round"),
    path("rounds/<int:round_id>/answer/", views.round_answer, name="assessment_answer"),
    path("rounds/<int:round_id>/paper/", views.round_paper, name="assessment_paper"),
    path("rounds/<int:round_id>/codes/", views.round_codes, name="assessment_codes"),
    path(
        "rounds/<int:round_id>/respondents/",
        views.round_respondents,
        name="assessment_respondents",
    ),
    path(
        "rounds/<int:round_id>/respondents/<int:respondent_id>/",
        views.respondent_edit,
        name="assessment_respondent_edit",
    ),
    path("rounds/<int:round_id>/close/", views.round_close_view, name="assessment_round_close"),
    path("rounds/<int:round_id>/export.xlsx", views.round_export_xlsx, name="assessment_xlsx"),
    path("rounds/<int:round_id>/export.pdf", views.round_export_pdf, name="assessment_pdf"),
]
