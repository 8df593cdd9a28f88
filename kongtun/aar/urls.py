"""Included under ``f/<fund_id>/aar/``: the fund's studies, and each study reached through one of
its funds (``<study_id>/…``, checked by ``access.study_view``)."""

from django.urls import path

from kongtun.aar import views, views_exchange, views_search

S = "<int:study_id>/"

urlpatterns = [
    path("", views.fund_studies, name="aar_fund"),
    path("new/", views.study_new, name="aar_study_new"),
    path(S, views.study_detail, name="aar_study"),
    path(S + "settings/", views.study_settings, name="aar_settings"),
    path(S + "guide/", views.guide, name="aar_guide"),
    path(S + "guide.pdf", views.guide_pdf, name="aar_guide_pdf"),
    path(S + "sessions/", views.session_list, name="aar_sessions"),
    path(S + "sessions/new/", views.session_new, name="aar_session_new"),
    path(S + "sessions/<int:session_id>/", views.session_detail, name="aar_session"),
    path(S + "sessions/<int:session_id>/edit/", views.session_edit, name="aar_session_edit"),
    path(S + "transcripts/<int:transcript_id>/", views.transcript_detail, name="aar_transcript"),
    path(S + "segments/<int:segment_id>/", views.segment_detail, name="aar_segment"),
    path(S + "codes/", views.codebook, name="aar_codes"),
    path(S + "codes/<int:code_id>/", views.code_detail, name="aar_code"),
    path(S + "agreement/", views.agreement, name="aar_agreement"),
    path(
        S + "agreement/<int:transcript_id>/",
        views.agreement_transcript,
        name="aar_agreement_transcript",
    ),
    path(S + "analysis/matrix/", views.matrix_view, name="aar_matrix"),
    path(S + "analysis/cooccurrence/", views.cooccurrence_view, name="aar_cooccurrence"),
    path(S + "analysis/words/", views.words_view, name="aar_words"),
    path(S + "lessons/", views.lesson_list, name="aar_lessons"),
    path(S + "lessons/<int:lesson_id>/", views.lesson_detail, name="aar_lesson"),
    path(S + "report/", views.report_html, name="aar_report"),
    path(S + "report.pdf", views.report_pdf, name="aar_report_pdf"),
    path(S + "segments.xlsx", views.segments_xlsx, name="aar_segments_xlsx"),
    path(S + "analysis/kwic/", views_search.kwic, name="aar_kwic"),
    path(S + "exchange/", views_exchange.exchange, name="aar_exchange"),
    path(S + "export.qdpx", views_exchange.export_qdpx, name="aar_export_qdpx"),
    path(S + "codebook.qdc", views_exchange.export_qdc, name="aar_export_qdc"),
]
