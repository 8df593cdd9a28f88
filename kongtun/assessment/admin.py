from django.contrib import admin

from kongtun.assessment.models import Factor


@admin.register(Factor)
class FactorAdmin(admin.ModelAdmin):
    """The study's factors and the recommendations derived from it: editable content."""

    list_display = ("position", "letter", "name_th", "name_en")
    ordering = ("position",)
