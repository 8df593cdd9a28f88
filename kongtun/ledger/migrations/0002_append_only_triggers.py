from django.db import migrations

from kongtun.ledger.triggers import install


def charts_for_existing_funds(apps, schema_editor):
    from kongtun.ledger.chart import DEFAULT_CHART

    Fund = apps.get_model("funds", "Fund")
    Account = apps.get_model("ledger", "Account")
    for fund in Fund.objects.all():
        have = set(Account.objects.filter(fund=fund).values_list("code", flat=True))
        Account.objects.bulk_create(
            Account(fund=fund, code=c, name_th=th, name_en=en, type=t, role=r)
            for c, th, en, t, r in DEFAULT_CHART
            if c not in have
        )


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]
    operations = [
        migrations.RunPython(install, migrations.RunPython.noop),
        migrations.RunPython(charts_for_existing_funds, migrations.RunPython.noop),
    ]
