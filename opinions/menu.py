"""The parents' opinions entry of the main menu (see core/menu.py)."""

from django.utils.translation import gettext_lazy as _

from core.menu import Audience, MenuEntry, register

# Any member of staff (docs/parents-opinions.md).
register(
    MenuEntry(
        key="opinions",
        url_name="opinions:opinion_list",
        label=_("Parents' opinions"),
        order=90,
        audience=Audience.STAFF,
    )
)
