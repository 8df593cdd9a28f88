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

        from django.contrib.auth.signals import user_logged_in

        def accept_role_invitations(sender: object, request: object, user: object, **kw: object):
            # Roles offered to this login name (decision 0002) become its roles at sign-in.
            from kongtun.funds.services import role_invitations_accept

            role_invitations_accept(user=user)

        user_logged_in.connect(
            accept_role_invitations, weak=False, dispatch_uid="funds_role_invitations"
        )
