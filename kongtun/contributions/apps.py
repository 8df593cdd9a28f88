from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContributionsConfig(AppConfig):
    name = "kongtun.contributions"
    label = "contributions"
    verbose_name = _("Contributions")

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from kongtun.funds.models import Fund

        def give_new_fund_plans(
            sender: type, instance: Fund, created: bool, **kwargs: object
        ) -> None:
            if created and not kwargs.get("raw"):
                from kongtun.contributions.services import plans_install_default

                plans_install_default(fund=instance)

        post_save.connect(
            give_new_fund_plans, sender=Fund, weak=False, dispatch_uid="contributions_default_plans"
        )
