from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MfaConfig(AppConfig):
    name = "mfa"
    verbose_name = _("Two-factor sign-in")

    def ready(self) -> None:
        from mfa import gate  # noqa: F401 - connects the receiver that restarts the check at each login
