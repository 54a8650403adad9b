"""The main menu as a registry: each app contributes its own entries, the portal shows them.

An app declares its entries in its ``menu.py`` (found by ``portal``, as the admin finds
``admin.py``), next to the access rule the entry follows, so adding an entry is one edit in
one place and the menu never imports an app's rules upward. Who sees an entry is declared as
data (``Audience`` or a set of role names), so that the portal can decide every entry from the
user's roles, read once per request together with the badges' counts.

On a phone the menu is a bottom tab bar: a few entries each role uses most, with short labels,
and a "more" tab that opens the whole menu. The portal declares which entries a role gets there
(``register_tab_bar``); the first tab bar whose audience the user belongs to wins.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from django.db.models import QuerySet
    from django_stubs_ext import StrOrPromise

    from accounts.models import User


class Audience(enum.Enum):
    EVERYONE = "everyone"  # every signed-in user
    STAFF = "staff"  # anyone holding an active position at a school or a bureau


@dataclass(frozen=True)
class Badge:
    """A number shown beside an entry's label when it is not zero, such as the unread count.

    It counts the rows of a queryset rather than calling a count of its own, so that the portal
    can count every badge inside the one query that reads the user's roles.
    """

    attribute: str  # rendered as attribute="N", for tests and scripts to find
    rows: Callable[[User], QuerySet[Any]]  # the user's rows it counts


@dataclass(frozen=True)
class MenuEntry:
    key: str  # unique; also the value of the entry's data attribute
    url_name: str  # reversed without arguments
    label: StrOrPromise  # gettext_lazy: entries are declared at import time
    order: int  # place in the menu, ascending
    # Who sees it: everyone signed in, any member of staff, or the holders of any of these roles
    # (school and bureau roles alike: Membership.Role and BureauMembership.Role values).
    audience: Audience | frozenset[str] = Audience.EVERYONE
    attribute: str = "data-nav"  # rendered as attribute="key"; "" for none
    badge: Badge | None = None

    def visible_to(self, roles: Collection[str]) -> bool:
        """Whether a user holding these active roles sees the entry."""
        if self.audience is Audience.EVERYONE:
            return True
        if self.audience is Audience.STAFF:
            return bool(roles)
        assert isinstance(self.audience, frozenset)
        return not self.audience.isdisjoint(roles)


def roles(*names: str | Iterable[str]) -> frozenset[str]:
    """An audience of role names, from single roles and collections of them."""
    found: set[str] = set()
    for name in names:
        found.update(str(role) for role in ([name] if isinstance(name, str) else name))
    return frozenset(found)


_ENTRIES: dict[str, MenuEntry] = {}


def register(entry: MenuEntry) -> MenuEntry:
    """Add an entry to the main menu (idempotent for the same entry; two entries cannot share a key)."""
    existing = _ENTRIES.get(entry.key)
    if existing is not None and existing != entry:
        raise ImproperlyConfigured(f"Two main menu entries are called {entry.key!r}.")
    _ENTRIES[entry.key] = entry
    return entry


def entries() -> list[MenuEntry]:
    """Every registered entry, in menu order."""
    return sorted(_ENTRIES.values(), key=lambda entry: (entry.order, entry.key))


@dataclass(frozen=True)
class Tab:
    key: str  # the key of a menu entry; a tab the user's menu lacks is left out
    label: StrOrPromise  # short: four or five tabs share a phone's width


@dataclass(frozen=True)
class TabBar:
    audience: Audience | frozenset[str]
    tabs: tuple[Tab, ...]
    order: int  # tab bars are tried in ascending order; the first the user belongs to wins

    def visible_to(self, roles: Collection[str]) -> bool:
        return MenuEntry(key="", url_name="", label="", order=0, audience=self.audience).visible_to(roles)


_TAB_BARS: dict[int, TabBar] = {}


def register_tab_bar(bar: TabBar) -> TabBar:
    """Declare the phone's tab bar for an audience (idempotent; two bars cannot share an order)."""
    existing = _TAB_BARS.get(bar.order)
    if existing is not None and existing != bar:
        raise ImproperlyConfigured(f"Two tab bars have the order {bar.order}.")
    _TAB_BARS[bar.order] = bar
    return bar


def tab_bar_for(roles: Collection[str]) -> tuple[Tab, ...]:
    """The tabs of the first tab bar a user holding these roles belongs to (none: no tabs)."""
    for order in sorted(_TAB_BARS):
        if _TAB_BARS[order].visible_to(roles):
            return _TAB_BARS[order].tabs
    return ()
