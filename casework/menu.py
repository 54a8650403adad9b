"""Casework's entries of the main menu (see core/menu.py)."""

from django.utils.translation import gettext_lazy as _

from core.menu import Audience, MenuEntry, register

register(MenuEntry(key="cases", url_name="casework:case_list", label=_("Cases"), order=30, attribute=""))
# Home visits and visit plans: any member of staff, inspectors (docs/home-visits.md).
register(
    MenuEntry(
        key="visits",
        url_name="visits:visit_list",
        label=_("Home visits"),
        order=60,
        audience=Audience.STAFF,
    )
)
