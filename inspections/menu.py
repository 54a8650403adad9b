"""The inspections' entry of the main menu (see core/menu.py)."""

from django.utils.translation import gettext_lazy as _

from core.menu import MenuEntry, register, roles
from inspections.access import READER_ROLES
from schools.models import BureauMembership

# The bureau's inspectors, and the leaders and administrators of a school.
register(
    MenuEntry(
        key="inspections",
        url_name="inspections:inspection_list",
        label=_("Inspections"),
        order=70,
        audience=roles(BureauMembership.Role.INSPECTOR, READER_ROLES),
    )
)
