"""Load the study's 15 enabling factors (kongtun/assessment/content.py), editable afterwards."""

from django.db import migrations


def load(apps, schema_editor):
    from kongtun.assessment.content import FACTORS

    Factor = apps.get_model("assessment", "Factor")
    for position, row in enumerate(FACTORS, 1):
        code, letter, name_th, name_en, quote_th, quote_en, rec_th, rec_en = row
        Factor.objects.update_or_create(
            code=code,
            defaults={
                "position": position,
                "letter": letter,
                "name_th": name_th,
                "name_en": name_en,
                "quote_th": quote_th,
                "quote_en": quote_en,
                "recommendation_th": rec_th,
                "recommendation_en": rec_en,
            },
        )


def unload(apps, schema_editor):
    apps.get_model("assessment", "Factor").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("assessment", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
