from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from kongtun.aar import views as aar_views
from kongtun.api import views as api_views
from kongtun.api.api import api
from kongtun.funds import views as funds_views
from kongtun.members import views as members_views
from kongtun.network import urls as network_urls

# The Django admin is for superusers only.
admin.site.has_permission = lambda request: request.user.is_active and request.user.is_superuser

fund_patterns = [
    path("", funds_views.fund_dashboard, name="fund_dashboard"),
    path("settings/", funds_views.fund_settings, name="fund_settings"),
    path("roles/", funds_views.fund_roles, name="fund_roles"),
    path("roles/<int:role_id>/revoke/", funds_views.fund_role_revoke, name="fund_role_revoke"),
    path(
        "roles/invitations/<int:invitation_id>/cancel/",
        funds_views.fund_role_invitation_cancel,
        name="fund_role_invitation_cancel",
    ),
    path("villages/", funds_views.fund_villages, name="fund_villages"),
    path("occupations/", funds_views.fund_occupations, name="fund_occupations"),
    path("me/", members_views.my_record, name="my_record"),
    path("members/", members_views.member_list, name="member_list"),
    path("members/new/", members_views.member_new, name="member_new"),
    path("members/access-log/", members_views.access_log, name="member_access_log"),
    path("members/<int:member_id>/", members_views.member_detail, name="member_detail"),
    path("members/<int:member_id>/edit/", members_views.member_edit, name="member_edit"),
    path("members/<int:member_id>/status/", members_views.member_status, name="member_status"),
    path("members/<int:member_id>/reveal/", members_views.member_reveal, name="member_reveal"),
    path("development/", include("kongtun.development.urls")),
    path("assessment/", include("kongtun.assessment.urls")),
    path("contributions/", include("kongtun.contributions.urls")),
    path("imports/", include("kongtun.imports.urls")),
    path("books/", include("kongtun.ledger.urls")),
    path("mobilization/", include("kongtun.mobilization.urls")),
    path("regulations/", include("kongtun.regulations.urls")),
    path("claims/", include("kongtun.claims.urls")),
    path("governance/", include("kongtun.governance.urls")),
    path("reports/", include("kongtun.reports.urls")),
    path("projection/", include("kongtun.projection.urls")),
    path("aar/", include("kongtun.aar.urls")),
    path("network/", include(network_urls.fund_patterns)),
]

urlpatterns = [
    path("", funds_views.home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/tokens/", api_views.tokens, name="api_tokens"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("funds/new/", funds_views.fund_new, name="fund_new"),
    path("aar/", aar_views.my_studies, name="aar_my_studies"),
    path("p/", include("kongtun.public.urls")),
    path("network/", include(network_urls.urlpatterns)),
    path("f/<int:fund_id>/", include(fund_patterns)),
]
