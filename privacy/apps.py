from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = _("Retention of personal data")

    def ready(self) -> None:
        # A policy that makes no sense stops every process at start-up (web, worker, commands),
        # not the first retention run at night.
        from privacy.policy import retention_policy

        retention_policy()
