from django.urls import path

from kongtun.public import views

urlpatterns = [
    path("<slug:short_code>/", views.fund_page, name="public_fund"),
    path("<slug:short_code>/heads.json", views.heads_json, name="public_heads"),
    path("<slug:short_code>/verify/", views.verify_page, name="public_verify"),
    path("<slug:short_code>/month/<str:month>/", views.month_report, name="public_month"),
]
