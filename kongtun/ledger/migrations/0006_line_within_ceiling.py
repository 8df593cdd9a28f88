"""The hard ceiling per journal line (core.money.MAX_SATANG = 10^11 satang) as a CHECK.

The books are append-only, so a line beyond the ceiling posted before this migration cannot be
removed: on PostgreSQL the constraint is added NOT VALID when such a line exists (new lines
are checked, old ones kept), on SQLite the table copy skips CHECKs for the old rows. Either
way ``ledger_check`` names those entries (decision 0003).
"""

from django.db import migrations, models

from kongtun.ledger.triggers import install

CEILING = 100_000_000_000

CONSTRAINT = models.CheckConstraint(
    condition=models.Q(amount_satang__gte=-CEILING, amount_satang__lte=CEILING),
    name="line_within_ceiling",
)


def add_ceiling(apps, schema_editor):
    JournalLine = apps.get_model("ledger", "JournalLine")
    beyond = (
        JournalLine.objects.filter(amount_satang__gt=CEILING).exists()
        or JournalLine.objects.filter(amount_satang__lt=-CEILING).exists()
    )
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE ledger_journalline ADD CONSTRAINT line_within_ceiling "
            f"CHECK (amount_satang >= -{CEILING} AND amount_satang <= {CEILING})"
            + (" NOT VALID" if beyond else "")
        )
        return
    if beyond:
        schema_editor.execute("PRAGMA ignore_check_constraints = ON")
    try:
        # The state already holds the constraint: SQLite rebuilds the table from it.
        schema_editor.add_constraint(JournalLine, CONSTRAINT)
    finally:
        if beyond:
            schema_editor.execute("PRAGMA ignore_check_constraints = OFF")
    install(apps, schema_editor)  # SQLite rebuilt the table, dropping its triggers


def remove_ceiling(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE ledger_journalline DROP CONSTRAINT line_within_ceiling")


class Migration(migrations.Migration):
    dependencies = [("ledger", "0005_monthclose_report")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AddConstraint(model_name="journalline", constraint=CONSTRAINT)],
        ),
        migrations.RunPython(add_ceiling, remove_ceiling),
    ]
