from django.contrib import admin

from kongtun.development.models import DefaultStage, DevelopmentProcess


@admin.register(DefaultStage)
class DefaultStageAdmin(admin.ModelAdmin):
    list_display = ("position", "code", "name_th", "name_en")
    ordering = ("position",)


@admin.register(DevelopmentProcess)
class DevelopmentProcessAdmin(admin.ModelAdmin):
    list_display = ("fund", "status", "started_on", "founded_on")
    readonly_fields = ("fund", "created_at", "created_by", "regulation_handed_over_at")
