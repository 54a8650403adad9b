"""``{% load menu %}{% main_menu as menu %}``: the entries of the main menu the user gets.

The entries come from the registry every app contributes to (core/menu.py); this tag only
decides which of them to show, from the user's roles, and counts their badges: one query per
request for both.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import template
from django.db.models import FilteredRelation, Func, IntegerField, Q, QuerySet, Subquery
from django.urls import reverse

from accounts.models import User
from core.menu import MenuEntry, entries

register = template.Library()

_CACHE = "_wanjia_main_menu"


@dataclass(frozen=True)
class MenuItem:
    """One entry as this user sees it: where it leads and the number on its badge."""

    entry: MenuEntry
    href: str
    badge: int = 0

    @property
    def key(self) -> str:
        return self.entry.key

    @property
    def label(self) -> str:
        return str(self.entry.label)

    @property
    def attribute(self) -> str:
        return self.entry.attribute

    @property
    def badge_attribute(self) -> str:
        return self.entry.badge.attribute if self.entry.badge else ""


def menu_for_user(*, user: User) -> list[MenuItem]:
    """The entries the user sees, in order, with their badges' counts: one query in all."""
    registered = entries()
    badges = [(entry.key, entry.badge) for entry in registered if entry.badge is not None]
    roles, counts = _roles_and_counts(user=user, counted=[badge.rows(user) for _key, badge in badges])
    count_of = {key: count for (key, _badge), count in zip(badges, counts, strict=True)}
    return [
        MenuItem(entry=entry, href=reverse(entry.url_name), badge=count_of.get(entry.key, 0))
        for entry in registered
        if entry.visible_to(roles)
    ]


def _roles_and_counts(*, user: User, counted: list[QuerySet[Any]]) -> tuple[frozenset[str], list[int]]:
    """The names of the user's active roles at schools and bureaus, and how many rows each
    queryset has, in one query: the user's row left-joined to their active memberships (one row
    per pair of them, at least one), with a COUNT subquery per queryset in every row."""
    rows = list(
        User.objects.filter(pk=user.pk)
        .annotate(
            school_roles=FilteredRelation("memberships", condition=Q(memberships__is_active=True)),
            bureau_roles=FilteredRelation(
                "bureau_memberships", condition=Q(bureau_memberships__is_active=True)
            ),
            **{f"count_{index}": _count(queryset) for index, queryset in enumerate(counted)},
        )
        .values_list("school_roles__role", "bureau_roles__role", *(f"count_{i}" for i in range(len(counted))))
    )
    roles = frozenset(role for row in rows for role in row[:2] if role)
    counts = [int(count) for count in rows[0][2:]] if rows else [0] * len(counted)
    return roles, counts


def _count(queryset: QuerySet[Any]) -> Subquery:
    """``(SELECT COUNT(*) FROM …)``: a plain COUNT, which Django does not take for an aggregate
    (that would add a GROUP BY to the outer query)."""
    return Subquery(
        queryset.order_by().annotate(n=Func(template="COUNT(*)", output_field=IntegerField())).values("n")
    )


@register.simple_tag(takes_context=True)
def main_menu(context: dict[str, Any]) -> list[MenuItem]:
    """Worked out once per request, however often the page asks."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if request is None or not isinstance(user, User) or not user.is_active:
        return []
    if not hasattr(request, _CACHE):
        setattr(request, _CACHE, menu_for_user(user=user))
    menu: list[MenuItem] = getattr(request, _CACHE)
    return menu
