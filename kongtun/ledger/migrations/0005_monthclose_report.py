from django.db import migrations, models

from kongtun.ledger.triggers import install


class Migration(migrations.Migration):
    """The published monthly report frozen at month close (decision 0012). Months closed
    before this keep a null report: their public page says so."""

    dependencies = [
        ("ledger", "0004_seal_version_checkpoints"),
    ]

    operations = [
        migrations.AddField(
            model_name="monthclose",
            name="report_json",
            field=models.TextField(null=True),
        ),
        migrations.AddField(
            model_name="monthclose",
            name="report_sha256",
            field=models.CharField(max_length=64, null=True),
        ),
        # SQLite may rebuild the table: the append-only triggers go with it.
        migrations.RunPython(install, migrations.RunPython.noop),
    ]
