"""The support ledger's entry of the main menu (see core/menu.py)."""

from django.utils.translation import gettext_lazy as _

from core.menu import MenuEntry, register, roles
from schools.models import BureauMembership
from support.access import LEDGER_ROLES

# Donation custodians, principals and vice principals keep the ledger; the bureau's inspectors
# read the per-school totals behind the same entry.
register(
    MenuEntry(
        key="support",
        url_name="support:index",
        label=_("Support ledger"),
        order=150,
        audience=roles(BureauMembership.Role.INSPECTOR, LEDGER_ROLES),
    )
)
