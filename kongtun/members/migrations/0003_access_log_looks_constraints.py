import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("members", "0002_access_log_looks")]

    operations = [
        migrations.RemoveField(model_name="personaldataaccess", name="field"),
        migrations.RemoveField(model_name="personaldataaccess", name="member"),
        migrations.AlterField(
            model_name="personaldataaccess",
            name="fund",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to="funds.fund"),
        ),
        migrations.AlterModelOptions(
            name="personaldataaccess",
            options={"ordering": ["-at", "-id"], "verbose_name": "personal-data access"},
        ),
        migrations.AddIndex(
            model_name="personaldataaccess",
            index=models.Index(fields=["fund", "at"], name="members_per_fund_id_873c2f_idx"),
        ),
        migrations.AddIndex(
            model_name="personaldataaccessitem",
            index=models.Index(fields=["member", "kind"], name="members_per_member__a27b17_idx"),
        ),
        migrations.AddConstraint(
            model_name="personaldataaccessitem",
            constraint=models.UniqueConstraint(fields=("access", "member", "kind"), name="pdaccess_item_unique"),
        ),
        migrations.AddConstraint(
            model_name="personaldataaccessitem",
            constraint=models.CheckConstraint(
                condition=models.Q(kind__in=["national_id", "contacts", "beneficiaries", "health", "evidence", "statement", "export"]),
                name="pdaccess_item_kind_valid",
            ),
        ),
    ]
