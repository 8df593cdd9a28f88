from django.urls import path

from kongtun.imports import views

urlpatterns = [
    path("", views.import_start, name="imports_start"),
    path("<slug:upload_id>/", views.import_review, name="imports_review"),
    path("<slug:upload_id>/confirm/", views.import_confirm, name="imports_confirm"),
    path("<slug:upload_id>/cancel/", views.import_cancel, name="imports_cancel"),
    path("<slug:upload_id>/problems.csv", views.import_problems, name="imports_problems"),
]
