"""The six ones' entry of the main menu (see core/menu.py)."""

from django.utils.translation import gettext_lazy as _

from core.menu import Audience, MenuEntry, register

# School staff (their own six ones), inspectors (the city's completion).
register(
    MenuEntry(
        key="sixones",
        url_name="sixones:my",
        label=_("Six ones"),
        order=140,
        audience=Audience.STAFF,
    )
)
