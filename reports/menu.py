"""The reports' entry of the main menu (see core/menu.py)."""

from django.utils.translation import gettext_lazy as _

from core.menu import MenuEntry, register, roles
from reports.access import SCHOOL_READERS
from schools.models import BureauMembership

# The bureau's inspectors (the city-wide report), the leaders and administrators of a school.
register(
    MenuEntry(
        key="reports",
        url_name="reports:index",
        label=_("Reports"),
        order=80,
        audience=roles(BureauMembership.Role.INSPECTOR, SCHOOL_READERS),
    )
)
