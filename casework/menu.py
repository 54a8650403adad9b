"""Casework's entries of the main menu (see core/menu.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from casework.selectors import BREAK_GLASS_LEADERS, break_glass_unreviewed_for_user
from core.menu import Audience, Badge, MenuEntry, register, roles
from schools.models import BureauMembership

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from accounts.models import User
    from casework.models import BreakGlassAccess


def _unreviewed(user: User) -> QuerySet[BreakGlassAccess]:
    return break_glass_unreviewed_for_user(user=user)


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
# Emergency accesses to confidential notes (docs/break-glass.md): inspectors review them,
# principals and vice principals see their school's; the badge counts the unreviewed ones.
register(
    MenuEntry(
        key="break_glass",
        url_name="casework:break_glass_list",
        label=_("Emergency accesses"),
        order=125,
        audience=roles(BureauMembership.Role.INSPECTOR, BREAK_GLASS_LEADERS),
        badge=Badge(attribute="data-unreviewed", rows=_unreviewed),
    )
)
