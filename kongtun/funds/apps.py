from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundsConfig(AppConfig):
    name = "kongtun.funds"
    label = "funds"
    verbose_name = _("Funds")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        def ensure_areas(sender: object, using: str = "default", **kwargs: object) -> None:
            # The provinces are reference data: after every migrate, and after a test flush
            # (which empties every table and then emits post_migrate), they must be there.
            if sender is self:
                from kongtun.funds.areas import areas_ensure

                areas_ensure(using=using)

        post_migrate.connect(ensure_areas, weak=False, dispatch_uid="funds_areas")
