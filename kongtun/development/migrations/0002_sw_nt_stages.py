"""Load the SW-NT Model's eight stages (kongtun/development/content.py), editable afterwards."""

from django.db import migrations


def load(apps, schema_editor):
    from kongtun.development.content import SW_NT_STAGES

    DefaultStage = apps.get_model("development", "DefaultStage")
    for position, (code, name_th, name_en, quote_th, quote_en) in enumerate(SW_NT_STAGES, 1):
        DefaultStage.objects.update_or_create(
            code=code,
            defaults={
                "position": position,
                "name_th": name_th,
                "name_en": name_en,
                "quote_th": quote_th,
                "quote_en": quote_en,
            },
        )


def unload(apps, schema_editor):
    apps.get_model("development", "DefaultStage").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("development", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
