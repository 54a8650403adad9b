"""The schools' entries of the main menu (see core/menu.py)."""

from django.utils.translation import gettext_lazy as _

from core.menu import Audience, MenuEntry, register, roles
from schools.staff import STAFF_ADMIN_ROLES

register(MenuEntry(key="pupils", url_name="schools:pupil_list", label=_("Pupils"), order=20, attribute=""))
# The programme calendar: any member of staff of a school or bureau.
register(
    MenuEntry(
        key="calendar",
        url_name="schools:campaign_list",
        label=_("Calendar"),
        order=100,
        audience=Audience.STAFF,
    )
)
# The staff of the school (adding people, invitations): its principals and administrators.
register(
    MenuEntry(
        key="staff",
        url_name="schools:staff_index",
        label=_("Staff"),
        order=105,
        audience=roles(STAFF_ADMIN_ROLES),
    )
)
