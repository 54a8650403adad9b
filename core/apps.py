from django.apps import AppConfig
from django.urls import register_converter
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The kernel: errors, API and page plumbing, form helpers. No models; imports nothing of ours."""

    name = "core"
    verbose_name = _("Kernel")

    def ready(self) -> None:
        from core import checks  # noqa: F401 - registers the SMS sender checks
        from core.converters import AuditedIdConverter, IdConverter

        # Before any URLconf is read: every path of ours says <id:...> instead of <int:...>.
        register_converter(IdConverter, "id")
        register_converter(AuditedIdConverter, "audited_id")
