from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    name = "kongtun.network"
    label = "network"
    verbose_name = _("Network")

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from kongtun.ledger.models import MonthClose

        def after_month_close(sender: type, instance: MonthClose, created: bool, **kw: object):
            # The month's roll-up row and the fund's report package, in the close's own
            # transaction: a close that rolls back leaves neither.
            if created and not kw.get("raw"):
                from kongtun.network.services import month_closed

                month_closed(close=instance)

        post_save.connect(
            after_month_close,
            sender=MonthClose,
            weak=False,
            dispatch_uid="network_after_month_close",
        )

        from kongtun.ledger.book_services import months_closed

        def after_months_closed(sender: type, fund: object, months: list, **kw: object) -> None:
            from kongtun.network.services import months_closed as rollup_months

            rollup_months(fund=fund, months=months)  # type: ignore[arg-type]

        months_closed.connect(
            after_months_closed, weak=False, dispatch_uid="network_after_months_closed"
        )
