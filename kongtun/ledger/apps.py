from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "kongtun.ledger"
    label = "ledger"
    verbose_name = _("Books")

    def ready(self) -> None:
        from django.db import connections
        from django.db.models.signals import post_migrate, post_save

        from kongtun.funds.models import Fund

        def give_new_fund_a_chart(
            sender: type, instance: Fund, created: bool, **kwargs: object
        ) -> None:
            if created and not kwargs.get("raw"):
                from kongtun.ledger.services import chart_install_default

                chart_install_default(fund=instance)

        post_save.connect(
            give_new_fund_a_chart, sender=Fund, weak=False, dispatch_uid="ledger_default_chart"
        )

        def reinstall_triggers(sender: object, using: str = "default", **kwargs: object) -> None:
            # After every migrate and every test flush the books must be append-only again.
            if sender is self:
                from kongtun.ledger.triggers import install_on

                install_on(connections[using])

        post_migrate.connect(reinstall_triggers, weak=False, dispatch_uid="ledger_triggers")
