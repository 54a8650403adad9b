from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SixOnesConfig(AppConfig):
    name = "sixones"
    verbose_name = _("Six ones")
