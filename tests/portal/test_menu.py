"""The main menu: entries contributed by every app, shown by role, counted in one query."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured
from django.template import Context, Template
from django.test import Client, RequestFactory
from django.urls import reverse

from core import menu as registry
from core.menu import Audience, MenuEntry, roles
from portal.templatetags.menu import menu_for_user
from schools.models import BureauMembership, Membership
from tests.builders import open_case
from tests.factories import MembershipFactory, UserFactory
from workflows.models import Notification
from workflows.reminders import reminders_send

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
EVERYONE = ["home", "pupils", "cases", "tasks", "notifications", "mfa"]
STAFF = [*EVERYONE, "visits", "opinions", "calendar", "evidence", "archives", "sixones"]


@pytest.fixture
def reminded(world) -> None:
    """Two cases opened by the colleague on 4 May 2026 and overdue on 20 May: two unread
    notifications each for the colleague (overdue) and the principal (escalated)."""
    with time_machine.travel(datetime.datetime(2026, 5, 4, 9, tzinfo=SHANGHAI), tick=False):
        open_case(world.classroom, by=world.colleague)
        open_case(world.classroom, by=world.colleague)
    reminders_send(today=datetime.date(2026, 5, 20))


def staff_and(*extra: str) -> list[str]:
    """The staff entries and some more, in menu order."""
    order = [entry.key for entry in registry.entries()]
    return sorted([*STAFF, *extra], key=order.index)


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("owner", staff_and()),
        ("colleague", staff_and()),
        ("counsellor", staff_and()),
        (
            "principal",
            staff_and(
                "inspections",
                "reports",
                "audit",
                "retention",
                "break_glass",
                "support",
                "reassign",
                "leaving",
                "staff",
                "mfa_staff",
            ),
        ),
        ("admin", staff_and("inspections", "reports", "retention", "leaving", "staff")),
        ("custodian", staff_and("support")),
        ("inspector", staff_and("inspections", "reports", "audit", "retention", "break_glass", "support")),
    ],
)
def test_each_role_gets_its_entries(world, persona: str, expected: list[str]) -> None:
    assert [item.key for item in menu_for_user(user=getattr(world, persona))] == expected


@pytest.mark.django_db
def test_without_an_active_position_only_the_common_entries() -> None:
    assert [item.key for item in menu_for_user(user=UserFactory.create())] == EVERYONE
    former = UserFactory.create(username="former")
    MembershipFactory.create(user=former, role=Membership.Role.PRINCIPAL, is_active=False)
    assert [item.key for item in menu_for_user(user=former)] == EVERYONE


def test_roles_badges_and_all_cost_one_query(world, reminded, django_assert_num_queries) -> None:
    unread = Notification.objects.filter(user=world.principal, read_at__isnull=True)
    assert unread.count() == 2
    with django_assert_num_queries(1):
        items = menu_for_user(user=world.principal)
    assert {item.key: item.badge for item in items if item.badge} == {"notifications": 2}
    Notification.objects.filter(pk=unread[0].pk).update(read_at=datetime.datetime.now(tz=datetime.UTC))
    assert {item.key: item.badge for item in menu_for_user(user=world.principal) if item.badge} == {
        "notifications": 1
    }
    with django_assert_num_queries(1):
        assert all(item.badge == 0 for item in menu_for_user(user=world.owner))


def test_the_tag_asks_once_per_request(world, django_assert_num_queries) -> None:
    request = RequestFactory().get("/")
    request.user = world.inspector
    template = Template(
        "{% load menu %}{% main_menu as a %}{% main_menu as b %}{{ a|length }} {{ b|length }}"
    )
    with django_assert_num_queries(1):
        assert template.render(Context({"request": request})) == "18 18"


def test_the_links_keep_their_markup(world, reminded, client: Client) -> None:
    client.force_login(world.principal)
    html = client.get(reverse("portal:home"), headers={"accept-language": "en"}).content.decode()
    nav = html[html.index('<nav class="mainnav"') : html.index("</nav>")]
    assert re.findall(r"<a [^>]*>.*?</a>", nav) == [
        # The page's own section is marked (portal.templatetags.menu.mark_current).
        f'<a href="{reverse("portal:home")}" aria-current="page">Home</a>',
        f'<a href="{reverse("schools:pupil_list")}">Pupils</a>',
        f'<a href="{reverse("casework:case_list")}">Cases</a>',
        f'<a href="{reverse("workflows:inbox")}" data-nav="tasks">My tasks</a>',
        f'<a href="{reverse("workflows:notifications")}" data-nav="notifications">Notifications'
        ' <span class="tag risk-high" data-unread="2">2</span></a>',
        f'<a href="{reverse("visits:visit_list")}" data-nav="visits">Home visits</a>',
        f'<a href="{reverse("inspections:inspection_list")}" data-nav="inspections">Inspections</a>',
        f'<a href="{reverse("reports:index")}" data-nav="reports">Reports</a>',
        f'<a href="{reverse("opinions:opinion_list")}" data-nav="opinions">Parents&#x27; opinions</a>',
        f'<a href="{reverse("schools:campaign_list")}" data-nav="calendar">Calendar</a>',
        f'<a href="{reverse("schools:staff_index")}" data-nav="staff">Staff</a>',
        f'<a href="{reverse("evidence:index")}" data-nav="evidence">Evidence files</a>',
        f'<a href="{reverse("audit:event_list")}" data-audit="audit">Audit trail</a>',
        f'<a href="{reverse("casework:break_glass_list")}" data-nav="break_glass">Emergency accesses</a>',
        f'<a href="{reverse("privacy:retention_policy")}" data-nav="retention">Retention policy</a>',
        f'<a href="{reverse("care:archive_list")}" data-nav="archives">Special-group archives</a>',
        f'<a href="{reverse("sixones:my")}" data-nav="sixones">Six ones</a>',
        f'<a href="{reverse("support:index")}" data-nav="support">Support ledger</a>',
        f'<a href="{reverse("workflows:reassign")}" data-nav="reassign">Hand over cases</a>',
        f'<a href="{reverse("workflows:leaving")}" data-nav="leaving">Staff leaving</a>',
        f'<a href="{reverse("mfa:staff")}" data-nav="mfa_staff">Staff two-factor</a>',
        f'<a href="{reverse("mfa:status")}" data-nav="mfa">Two-factor sign-in</a>',
    ]


def test_an_entry_is_shown_to_its_audience() -> None:
    everyone = MenuEntry(key="x", url_name="portal:home", label="x", order=1)
    staff = MenuEntry(key="x", url_name="portal:home", label="x", order=1, audience=Audience.STAFF)
    leaders = MenuEntry(
        key="x",
        url_name="portal:home",
        label="x",
        order=1,
        audience=roles(BureauMembership.Role.INSPECTOR, [Membership.Role.PRINCIPAL]),
    )
    assert leaders.audience == frozenset({"inspector", "principal"})
    assert [e.visible_to(set()) for e in (everyone, staff, leaders)] == [True, False, False]
    assert [e.visible_to({"teacher"}) for e in (everyone, staff, leaders)] == [True, True, False]
    assert [e.visible_to({"teacher", "principal"}) for e in (everyone, staff, leaders)] == [True, True, True]


def test_two_entries_cannot_share_a_key() -> None:
    home = next(entry for entry in registry.entries() if entry.key == "home")
    assert registry.register(home) is home  # registering the same entry again changes nothing
    with pytest.raises(ImproperlyConfigured):
        registry.register(MenuEntry(key="home", url_name="schools:pupil_list", label="Home", order=10))
    assert [entry.key for entry in registry.entries()].count("home") == 1
