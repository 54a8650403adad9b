"""The retention policy's entry of the main menu (see core/menu.py)."""

from django.utils.translation import gettext_lazy as _

from core.menu import MenuEntry, register, roles
from privacy.selectors import POLICY_READERS

register(
    MenuEntry(
        key="retention",
        url_name="privacy:retention_policy",
        label=_("Retention policy"),
        order=125,
        audience=roles(POLICY_READERS),
    )
)
