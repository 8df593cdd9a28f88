from django.contrib import admin

from kongtun.funds.models import Area, Fund, FundRole, OccupationGroup, Village


@admin.register(Fund)
class FundAdmin(admin.ModelAdmin):
    list_display = ("name_th", "short_code", "subdistrict", "founded_on")


@admin.register(FundRole)
class FundRoleAdmin(admin.ModelAdmin):
    list_display = ("user", "fund", "role", "granted_at", "revoked_at")
    list_filter = ("fund", "role")


admin.site.register(Area)
admin.site.register(Village)
admin.site.register(OccupationGroup)
