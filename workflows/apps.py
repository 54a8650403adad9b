from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowsConfig(AppConfig):
    name = "workflows"
    verbose_name = _("Workflows")

    def ready(self) -> None:
        # The flow follows the case: listen to casework's signals; `manage.py check` refuses to
        # pass without that (docs/decisions/0003-case-events.md).
        import workflows.checks  # noqa: F401 - registers the system check
        from workflows.receivers import connect

        connect()
