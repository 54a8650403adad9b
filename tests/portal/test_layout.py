"""Phone-first layout: the current section is marked in the menu and on the phone's tab bar, each
role gets its own tabs, and the "more" page lists the whole menu."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from portal.templatetags.menu import mark_current, menu_for_user
from tests.builders import open_case

pytestmark = pytest.mark.django_db


def get(client: Client, user: User, url: str) -> str:
    client.force_login(user)
    response = client.get(url, headers={"accept-language": "en"})
    assert response.status_code == 200, url
    return response.content.decode()


def current(html: str, nav: str) -> list[str]:
    """The hrefs marked aria-current="page" inside the nav of this class."""
    block = html[html.index(f'<nav class="{nav}"') :]
    block = block[: block.index("</nav>")]
    return re.findall(r'<a href="([^"]*)"[^>]*aria-current="page"', block)


@pytest.mark.parametrize(
    ("url", "section"),
    [
        ("portal:home", "portal:home"),
        ("casework:case_list", "casework:case_list"),
        ("visits:visit_list", "visits:visit_list"),
        ("workflows:inbox", "workflows:inbox"),
        ("schools:pupil_list", "schools:pupil_list"),
    ],
)
def test_the_section_of_the_page_is_marked_once(world, client: Client, url: str, section: str) -> None:
    html = get(client, world.owner, reverse(url))
    assert current(html, "mainnav") == [reverse(section)]


def test_a_page_inside_a_section_marks_its_section(world, client: Client) -> None:
    case = open_case(world.classroom, by=world.owner)
    html = get(client, world.owner, reverse("casework:case_detail", args=[case.pk]))
    assert current(html, "mainnav") == [reverse("casework:case_list")]
    assert current(html, "tabbar") == [reverse("casework:case_list")]
    # The home page is marked only on itself, never as a prefix of everything.
    assert reverse("portal:home") not in current(html, "mainnav")


def test_the_marker_falls_back_to_the_first_entry_of_the_namespace(world) -> None:
    menu = menu_for_user(user=world.principal)
    marked = mark_current(menu, path="/cases/break-glass-like/elsewhere/", namespace="casework")
    assert [item.key for item in marked if item.current] == ["cases"]
    marked = mark_current(menu, path="/accounts/menu/", namespace="portal")
    assert [item.key for item in marked if item.current] == []  # never "home" by its namespace


@pytest.mark.parametrize(
    ("persona", "tabs"),
    [
        ("owner", ["home", "tasks", "cases", "visits", "notifications"]),
        ("counsellor", ["home", "tasks", "cases", "visits", "notifications"]),
        ("principal", ["home", "tasks", "cases", "notifications"]),
        ("admin", ["home", "staff", "calendar", "notifications"]),
        ("custodian", ["home", "support", "tasks", "notifications"]),
        ("inspector", ["home", "inspections", "reports", "notifications"]),
    ],
)
def test_each_role_has_its_tab_bar_and_a_more_tab(
    world, client: Client, persona: str, tabs: list[str]
) -> None:
    html = get(client, getattr(world, persona), reverse("portal:home"))
    block = html[html.index('<nav class="tabbar"') :]
    block = block[: block.index("</nav>")]
    assert re.findall(r'data-tab="([^"]*)"', block) == [*tabs, "more"]
    assert f'href="{reverse("portal:menu")}" data-tab="more"' in block
    assert re.findall(r'data-tab="home" aria-current="page"', block)


def test_the_more_page_lists_the_whole_menu_and_the_account(world, client: Client) -> None:
    html = get(client, world.principal, reverse("portal:menu"))
    listed = re.findall(r'data-menu="([^"]*)"', html)
    assert listed == [item.key for item in menu_for_user(user=world.principal)] + [
        "password-change",
        "tokens",
        "logout",
    ]
    assert current(html, "tabbar") == [reverse("portal:menu")]
    client.logout()
    response = client.get(reverse("portal:menu"))
    assert response.status_code == 302  # signed-in users only
    assert client.post(reverse("portal:menu")).status_code in (302, 405)


def test_no_menu_nor_tab_bar_for_a_visitor(client: Client) -> None:
    html = client.get(reverse("accounts:login")).content.decode()
    assert 'class="tabbar"' not in html and 'class="mainnav"' not in html
