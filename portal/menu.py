"""The portal's entry of the main menu (see core/menu.py)."""

from django.utils.translation import gettext_lazy as _

from core.menu import MenuEntry, register

register(MenuEntry(key="home", url_name="portal:home", label=_("Home"), order=10, attribute=""))
