"""Network pages: ``network/…`` across the funds the user follows (fund-free, scoped by
``selectors.followed_funds``); ``fund_patterns`` go under ``f/<fund_id>/network/``."""

from django.urls import path

from kongtun.network import views

urlpatterns = [
    path("", views.network_home, name="network_home"),
    path("compare/", views.network_compare, name="network_compare"),
    path("trends/", views.network_trends, name="network_trends"),
    path("export.<str:fmt>", views.network_export, name="network_export"),
    path("packages/", views.network_packages, name="network_packages"),
]

fund_patterns = [
    path("", views.fund_reporting, name="network_fund_reporting"),
    path("package/<str:month>/", views.fund_package_download, name="network_fund_package"),
    path("witness/", views.fund_witness, name="network_fund_witness"),
]
