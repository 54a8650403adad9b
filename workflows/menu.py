"""The workflows' entries of the main menu (see core/menu.py): tasks, notifications, hand-over,
staff leaving."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from core.menu import Badge, MenuEntry, register, roles
from workflows.selectors import LEADERS, LEAVING_MANAGERS, notifications_unread_for_user

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from accounts.models import User
    from workflows.models import Notification


def _unread(user: User) -> QuerySet[Notification]:
    return notifications_unread_for_user(user=user)


register(MenuEntry(key="tasks", url_name="workflows:inbox", label=_("My tasks"), order=40))
# The user's unread notifications (reminders, escalations) are counted beside the entry.
register(
    MenuEntry(
        key="notifications",
        url_name="workflows:notifications",
        label=_("Notifications"),
        order=50,
        badge=Badge(attribute="data-unread", rows=_unread),
    )
)
# Principals and vice principals hand cases over.
register(
    MenuEntry(
        key="reassign",
        url_name="workflows:reassign",
        label=_("Hand over cases"),
        order=160,
        audience=roles(LEADERS),
    )
)
# Principals, vice principals and school administrators record that a member of staff leaves.
register(
    MenuEntry(
        key="leaving",
        url_name="workflows:leaving",
        label=_("Staff leaving"),
        order=165,
        audience=roles(LEAVING_MANAGERS),
    )
)
