"""The special-group archives' entry of the main menu (see core/menu.py)."""

from django.utils.translation import gettext_lazy as _

from core.menu import Audience, MenuEntry, register

# Any member of staff (docs/care.md says which archives each one reads).
register(
    MenuEntry(
        key="archives",
        url_name="care:archive_list",
        label=_("Special-group archives"),
        order=130,
        audience=Audience.STAFF,
    )
)
