from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class PortalConfig(AppConfig):
    """The top floor: the home page, the pupil page, the main menu and the demo, composed from
    every other app. No models; the only app (besides config) that may import all the others."""

    name = "portal"

    def ready(self) -> None:
        # Each app declares its main menu entries in its own menu.py (see core/menu.py).
        autodiscover_modules("menu")
