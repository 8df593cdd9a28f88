"""The personal-data access log records looks (who, roles, kinds, reason, page) with the members
each showed; the earlier rows (one member, one field) become looks of one item."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def forward(apps, schema_editor):
    Access = apps.get_model("members", "PersonalDataAccess")
    Item = apps.get_model("members", "PersonalDataAccessItem")
    kinds = {"national_id", "contacts", "beneficiaries", "health", "evidence", "statement", "export"}
    for row in Access.objects.select_related("member").iterator():
        kind = row.field if row.field in kinds else "national_id"
        Access.objects.filter(pk=row.pk).update(fund_id=row.member.fund_id, kinds=kind, member_count=1)
        Item.objects.create(access_id=row.pk, member_id=row.member_id, kind=kind)


class Migration(migrations.Migration):
    dependencies = [
        ("funds", "0001_initial"),
        ("members", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="personaldataaccess",
            name="fund",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="funds.fund"
            ),
        ),
        migrations.AddField(
            model_name="personaldataaccess",
            name="roles",
            field=models.CharField(blank=True, max_length=200),
        ),
        migrations.AddField(
            model_name="personaldataaccess",
            name="kinds",
            field=models.CharField(default="", max_length=200),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="personaldataaccess",
            name="reason",
            field=models.CharField(blank=True, max_length=300, verbose_name="reason"),
        ),
        migrations.AddField(
            model_name="personaldataaccess",
            name="path",
            field=models.CharField(blank=True, max_length=300),
        ),
        migrations.AddField(
            model_name="personaldataaccess",
            name="member_count",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AlterField(
            model_name="personaldataaccess",
            name="at",
            field=models.DateTimeField(db_index=True, default=django.utils.timezone.now),
        ),
        migrations.CreateModel(
            name="PersonalDataAccessItem",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("kind", models.CharField(choices=[("national_id", "full national ID"), ("contacts", "address, phone and birth date"), ("beneficiaries", "beneficiaries"), ("health", "claims (health)"), ("evidence", "claim evidence file"), ("statement", "member statement"), ("export", "export")], max_length=20)),
                ("access", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="items", to="members.personaldataaccess")),
                ("member", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to="members.member")),
            ],
            options={"ordering": ["access", "member", "kind"]},
        ),
        migrations.RunPython(forward, migrations.RunPython.noop),
    ]
