import django.db.models.deletion
from django.db import migrations, models

from kongtun.ledger.triggers import install


class Migration(migrations.Migration):
    """Seal format version 2 (line date and fund hashed, the month-close anchor): seals that
    exist stay version 1 and verify as they were made (decision 0009). Checkpoints of clean
    verifications (decision 0013)."""

    dependencies = [
        ("funds", "0003_areas"),
        ("ledger", "0003_seals"),
    ]

    operations = [
        migrations.AddField(
            model_name="entryseal",
            name="version",
            field=models.PositiveSmallIntegerField(db_default=1),
        ),
        migrations.AlterField(
            model_name="entryseal",
            name="version",
            field=models.PositiveSmallIntegerField(db_default=2),
        ),
        migrations.AddField(
            model_name="entryseal",
            name="anchor",
            field=models.CharField(blank=True, db_default="", max_length=72),
        ),
        migrations.CreateModel(
            name="VerifiedCheckpoint",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("seq", models.PositiveBigIntegerField()),
                ("hash", models.CharField(max_length=64)),
                ("closes", models.PositiveIntegerField()),
                ("closes_hash", models.CharField(max_length=64)),
                ("full", models.BooleanField()),
                ("verified_at", models.DateTimeField(auto_now_add=True)),
                ("mac", models.CharField(max_length=32)),
                ("fund", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to="funds.fund")),
            ],
            options={"ordering": ["fund", "seq"]},
        ),
        # SQLite rebuilt the seal table above, dropping its triggers: put them back.
        migrations.RunPython(install, migrations.RunPython.noop),
    ]
