"""``{% load menu %}{% main_menu as menu %}``: the entries of the main menu the user gets;
``{% tab_bar as tabs %}``: the few of them on the phone's bottom tab bar.

The entries come from the registry every app contributes to (core/menu.py); these tags only
decide which of them to show, from the user's roles, count their badges (one query per request
for both), and mark the entry of the section the page belongs to (``current``: the entry whose
address is the longest prefix of the page's, else the first entry of the page's URL namespace).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from django import template
from django.db.models import FilteredRelation, Func, IntegerField, Q, QuerySet, Subquery
from django.http import HttpRequest
from django.urls import reverse

from accounts.models import User
from core.menu import MenuEntry, entries, tab_bar_for

register = template.Library()

_CACHE = "_wanjia_main_menu"


@dataclass(frozen=True)
class MenuItem:
    """One entry as this user sees it: where it leads and the number on its badge."""

    entry: MenuEntry
    href: str
    badge: int = 0
    current: bool = False  # the page belongs to this entry's section (aria-current="page")
    short_label: str = ""  # on the tab bar

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
    return _menu_and_roles(user=user)[0]


def tabs_for_user(*, user: User, menu: list[MenuItem], roles: frozenset[str]) -> list[MenuItem]:
    """The entries of the user's tab bar, in its order, with their short labels."""
    by_key = {item.key: item for item in menu}
    return [
        replace(by_key[tab.key], short_label=str(tab.label))
        for tab in tab_bar_for(roles)
        if tab.key in by_key
    ]


def mark_current(menu: list[MenuItem], *, path: str, namespace: str) -> list[MenuItem]:
    """The menu with the entry of the page's section marked: the longest address that is a
    prefix of the page's (the home page only by its own address), else the first entry in the
    page's URL namespace."""
    home = reverse("portal:home")
    prefixed = [
        item for item in menu if path == item.href or (item.href != home and path.startswith(item.href))
    ]
    if prefixed:
        found = max(prefixed, key=lambda item: len(item.href))
    else:
        spaced = [
            item
            for item in menu
            if namespace and item.href != home and item.entry.url_name.split(":")[0] == namespace
        ]
        if not spaced:
            return menu
        found = spaced[0]
    return [replace(item, current=item is found) for item in menu]


def _menu_and_roles(*, user: User) -> tuple[list[MenuItem], frozenset[str]]:
    registered = entries()
    badges = [(entry.key, entry.badge) for entry in registered if entry.badge is not None]
    roles, counts = _roles_and_counts(user=user, counted=[badge.rows(user) for _key, badge in badges])
    count_of = {key: count for (key, _badge), count in zip(badges, counts, strict=True)}
    menu = [
        MenuItem(entry=entry, href=reverse(entry.url_name), badge=count_of.get(entry.key, 0))
        for entry in registered
        if entry.visible_to(roles)
    ]
    return menu, roles


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


def _for_request(request: HttpRequest) -> tuple[list[MenuItem], list[MenuItem]]:
    """The request's menu and tab bar, current entry marked, worked out once per request."""
    if not hasattr(request, _CACHE):
        user = request.user
        assert isinstance(user, User)
        menu, roles = _menu_and_roles(user=user)
        match = getattr(request, "resolver_match", None)
        menu = mark_current(menu, path=request.path, namespace=match.namespace if match else "")
        setattr(request, _CACHE, (menu, tabs_for_user(user=user, menu=menu, roles=roles)))
    cached: tuple[list[MenuItem], list[MenuItem]] = getattr(request, _CACHE)
    return cached


def _request(context: dict[str, Any]) -> HttpRequest | None:
    request = context.get("request")
    user = getattr(request, "user", None)
    if request is None or not isinstance(user, User) or not user.is_active:
        return None
    return request


@register.simple_tag(takes_context=True)
def main_menu(context: dict[str, Any]) -> list[MenuItem]:
    """Worked out once per request, however often the page asks."""
    request = _request(context)
    return _for_request(request)[0] if request is not None else []


@register.simple_tag(takes_context=True)
def tab_bar(context: dict[str, Any]) -> list[MenuItem]:
    """The phone's tab bar: the role's most used entries (core.menu.register_tab_bar)."""
    request = _request(context)
    return _for_request(request)[1] if request is not None else []
