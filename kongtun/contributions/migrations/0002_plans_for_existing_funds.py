from decimal import Decimal

from django.db import migrations


def plans(apps, schema_editor):
    from kongtun.contributions.services import DEFAULT_PLANS

    Fund = apps.get_model("funds", "Fund")
    Plan = apps.get_model("contributions", "ContributionPlan")
    Policy = apps.get_model("contributions", "ContributionPolicy")
    for fund in Fund.objects.all():
        Policy.objects.get_or_create(fund=fund, defaults={"entrance_fee": Decimal("0")})
        if not Plan.objects.filter(fund=fund).exists():
            for th, en, amount, months in DEFAULT_PLANS:
                Plan.objects.create(fund=fund, name_th=th, name_en=en, amount=amount, months=months)


class Migration(migrations.Migration):
    dependencies = [("contributions", "0001_initial"), ("funds", "0003_areas")]
    operations = [migrations.RunPython(plans, migrations.RunPython.noop)]
