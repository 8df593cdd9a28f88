from django.db import migrations


def load_areas(apps, schema_editor):
    from kongtun.funds.areas import PILOT_AREAS, level_of, provinces

    Area = apps.get_model("funds", "Area")
    by_code = {}
    for code, name_th, name_en in provinces():
        by_code[code], _ = Area.objects.get_or_create(
            code=code, defaults={"level": "province", "name_th": name_th, "name_en": name_en}
        )
    for code, name_th, name_en in PILOT_AREAS:
        parent = by_code[code[:-2]]
        by_code[code], _ = Area.objects.get_or_create(
            code=code,
            defaults={"level": level_of(code), "name_th": name_th, "name_en": name_en, "parent": parent},
        )


class Migration(migrations.Migration):
    dependencies = [("funds", "0002_initial")]
    operations = [migrations.RunPython(load_areas, migrations.RunPython.noop)]
