from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegulationsConfig(AppConfig):
    name = "kongtun.regulations"
    label = "regulations"
    verbose_name = _("Regulations")

    def ready(self) -> None:
        from django.db import connections
        from django.db.models.signals import post_migrate

        def reinstall_trigger(sender: object, using: str = "default", **kwargs: object) -> None:
            # An approved version stays frozen after every migrate and every test flush.
            if sender is self:
                from kongtun.regulations.triggers import install_on

                install_on(connections[using])

        post_migrate.connect(reinstall_trigger, weak=False, dispatch_uid="regulations_trigger")
