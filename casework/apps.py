from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CaseworkConfig(AppConfig):
    name = "casework"
    verbose_name = _("Casework")

    def ready(self) -> None:
        # Admin changes to school memberships reach the counsellors (docs/break-glass.md).
        from casework.receivers import connect

        connect()
