from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BackupsConfig(AppConfig):
    name = "kongtun.backups"
    label = "backups"
    verbose_name = _("Backups")

    def ready(self) -> None:
        from django.db import transaction
        from django.db.models.signals import post_save

        from kongtun.ledger.models import MonthClose

        def backup_after_month_close(
            sender: type, instance: MonthClose, created: bool, **kwargs: object
        ) -> None:
            # A month closed by a person in the app (scripts such as the demo close with no
            # actor): once the close is committed, a backup in the background.
            if created and not kwargs.get("raw") and instance.closed_by_id is not None:
                from kongtun.backups.services import auto_backup_start

                transaction.on_commit(lambda: auto_backup_start("month-close", only_if_due=False))

        post_save.connect(
            backup_after_month_close,
            sender=MonthClose,
            weak=False,
            dispatch_uid="backups_after_month_close",
        )
