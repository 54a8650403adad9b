"""``{% load menu %}{% main_menu as menu %}``: which entries of the main menu the user gets."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import template
from django.db.models import CharField, Count, Value
from django.db.models.functions import Cast, Concat

from accounts.models import User
from audit_browser.selectors import AUDIT_LEADERS
from inspections.access import READER_ROLES
from schools.models import BureauMembership, Membership
from support.access import LEDGER_ROLES
from workflows.models import Notification
from workflows.selectors import LEADERS as REASSIGNERS

register = template.Library()

_CACHE = "_wanjia_main_menu"
# Marks the unread-count row among the role rows of the menu's one query (no role looks like it).
_UNREAD = "#unread:"


@dataclass(frozen=True)
class MainMenu:
    inspections: bool = False  # also the reports: both are read by the same people
    reports: bool = False
    audit: bool = False
    calendar: bool = False  # the programme calendar: any member of staff of a school or bureau
    reassign: bool = False  # principals and vice principals hand cases over (workflows)
    opinions: bool = False  # parents' opinions: any member of staff (docs/parents-opinions.md)
    visits: bool = False  # home visits and visit plans: any member of staff, inspectors (docs/home-visits.md)
    # the poverty support ledger: donation custodians, principals, vice principals; the bureau's
    # inspectors read the per-school totals behind the same entry
    support: bool = False
    archives: bool = False  # special-group archives: any member of staff (docs/care.md says which)
    sixones: bool = False  # the six ones: school staff (their own), inspectors (the city's completion)
    evidence: bool = False  # evidence files: any member of staff or inspector (docs/evidence-exports.md)
    unread: int = 0  # the user's unread notifications (reminders, escalations)


@register.simple_tag(takes_context=True)
def main_menu(context: dict[str, Any]) -> MainMenu:
    """One query per request: the user's active roles at schools and at the bureau, and the
    number of their unread notifications (one more row of the same UNION)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if request is None or not isinstance(user, User) or not user.is_active:
        return MainMenu()
    if not hasattr(request, _CACHE):
        unread = (
            Notification.objects.filter(user=user, read_at__isnull=True)
            .order_by()
            .values("user_id")
            .annotate(label=Concat(Value(_UNREAD), Cast(Count("id"), CharField()), output_field=CharField()))
            .values_list("label", flat=True)
        )
        rows = set(
            Membership.objects.filter(user=user, is_active=True)
            .order_by()
            .values_list("role", flat=True)
            .union(
                BureauMembership.objects.filter(user=user, is_active=True)
                .order_by()
                .values_list("role", flat=True),
                unread,
            )
        )
        counts = [int(row.removeprefix(_UNREAD)) for row in rows if row.startswith(_UNREAD)]
        roles = {row for row in rows if not row.startswith(_UNREAD)}
        inspector = BureauMembership.Role.INSPECTOR in roles
        readers = inspector or bool(roles & set(READER_ROLES))
        setattr(
            request,
            _CACHE,
            MainMenu(
                inspections=readers,
                reports=readers,
                audit=inspector or bool(roles & set(AUDIT_LEADERS)),
                calendar=bool(roles),
                opinions=bool(roles),
                archives=bool(roles),
                sixones=bool(roles),
                evidence=bool(roles),
                visits=bool(roles),
                reassign=bool(roles & set(REASSIGNERS)),
                support=inspector or bool(roles & LEDGER_ROLES),
                unread=sum(counts),
            ),
        )
    menu: MainMenu = getattr(request, _CACHE)
    return menu
