from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The kernel: errors, API and page plumbing, form helpers. No models; imports nothing of ours."""

    name = "core"
    verbose_name = _("Kernel")

    def ready(self) -> None:
        from core import checks  # noqa: F401 - registers the SMS sender checks
