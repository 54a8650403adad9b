from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    """The trail every app writes: events, chains, verification, the audited admin. Of ours it
    imports only `accounts` and `core`; reading the trail is the `audit_browser` app."""

    name = "audit"
    verbose_name = _("Audit trail")

    def ready(self) -> None:
        from audit import receivers  # noqa: F401 - records refused access (core.signals.access_refused)
