from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AarConfig(AppConfig):
    name = "kongtun.aar"
    label = "aar"
    verbose_name = _("lessons learned (After Action Review)")
