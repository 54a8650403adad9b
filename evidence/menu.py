"""The evidence files' entry of the main menu (see core/menu.py)."""

from django.utils.translation import gettext_lazy as _

from core.menu import Audience, MenuEntry, register

# Any member of staff or inspector (docs/evidence-exports.md).
register(
    MenuEntry(
        key="evidence",
        url_name="evidence:index",
        label=_("Evidence files"),
        order=110,
        audience=Audience.STAFF,
    )
)
