"""Two-factor sign-in's entries of the main menu (see core/menu.py)."""

from django.utils.translation import gettext_lazy as _

from core.menu import MenuEntry, register, roles
from mfa.selectors import RESET_ROLES

# Everyone's own second factor: set it up, recovery codes.
register(MenuEntry(key="mfa", url_name="mfa:status", label=_("Two-factor sign-in"), order=180))
# Principals and vice principals reset a colleague's second factor (a lost phone).
register(
    MenuEntry(
        key="mfa_staff",
        url_name="mfa:staff",
        label=_("Staff two-factor"),
        order=170,
        audience=roles(RESET_ROLES),
    )
)
