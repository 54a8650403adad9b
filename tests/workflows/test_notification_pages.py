"""The notifications page, marking read, and the unread count in the main menu."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.test import Client

from tests.builders import open_case
from workflows.models import Notification, NotificationKind
from workflows.reminders import reminders_send

D = datetime.date
SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def reminded(world) -> list[Notification]:
    """Cases opened 4 May 2026 by the colleague, run on 20 May: overdue (colleague), escalated (principal)."""
    with time_machine.travel(datetime.datetime(2026, 5, 4, 9, tzinfo=SHANGHAI), tick=False):
        open_case(world.classroom, by=world.colleague)
        open_case(world.classroom, by=world.colleague)
    reminders_send(today=D(2026, 5, 20))
    return list(Notification.objects.order_by("id"))


def unread_badge(html: str) -> int | None:
    match = re.search(r'data-unread="(\d+)"', html)
    return int(match.group(1)) if match else None


@pytest.mark.smoke
def test_the_page_lists_only_ones_own(world, reminded):
    response = client_for(world.colleague).get("/workflows/notifications/")
    assert response.status_code == 200
    html = response.content.decode()
    mine = [n for n in reminded if n.user_id == world.colleague.pk]
    assert len(mine) == 2
    assert sorted(int(x) for x in re.findall(r'data-notification="(\d+)"', html)) == sorted(
        n.pk for n in mine
    )
    assert unread_badge(html) == 2
    principal_html = client_for(world.principal).get("/workflows/notifications/").content.decode()
    assert set(re.findall(r'data-kind="(\w+)"', principal_html)) == {NotificationKind.ESCALATION}
    for persona in (world.outsider, world.owner, world.inspector, world.counsellor):
        html = client_for(persona).get("/workflows/notifications/").content.decode()
        assert "data-notification=" not in html
        assert unread_badge(html) is None


def test_anonymous_is_sent_to_log_in(world, reminded):
    response = Client().get("/workflows/notifications/")
    assert response.status_code == 302
    assert "/login" in response["Location"]
    response = Client().post(f"/workflows/notifications/{reminded[0].pk}/read/")
    assert response.status_code == 302
    assert Notification.objects.filter(read_at__isnull=False).count() == 0


def test_mark_read(world, reminded):
    note = next(n for n in reminded if n.user_id == world.colleague.pk)
    client = client_for(world.colleague)
    response = client.post(f"/workflows/notifications/{note.pk}/read/")
    assert response.status_code == 302
    note.refresh_from_db()
    first = note.read_at
    assert first is not None
    assert unread_badge(client.get("/workflows/notifications/").content.decode()) == 1
    # Again: still read, the first time kept.
    client.post(f"/workflows/notifications/{note.pk}/read/")
    note.refresh_from_db()
    assert note.read_at == first


def test_someone_elses_notification_is_404(world, reminded):
    theirs = next(n for n in reminded if n.user_id == world.principal.pk)
    for persona in (world.colleague, world.outsider, world.owner):
        response = client_for(persona).post(f"/workflows/notifications/{theirs.pk}/read/")
        assert response.status_code == 404
    assert client_for(world.colleague).post("/workflows/notifications/999999/read/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_wrong_methods(world, reminded):
    client = client_for(world.colleague)
    note = next(n for n in reminded if n.user_id == world.colleague.pk)
    assert client.get(f"/workflows/notifications/{note.pk}/read/").status_code == 405
    assert client.get("/workflows/notifications/read/").status_code == 405
    assert client.post("/workflows/notifications/").status_code == 405
    note.refresh_from_db()
    assert note.read_at is None


def test_mark_all_read_touches_only_ones_own(world, reminded):
    response = client_for(world.colleague).post("/workflows/notifications/read/", follow=True)
    assert response.status_code == 200
    assert unread_badge(response.content.decode()) is None
    assert not Notification.objects.filter(user=world.colleague, read_at__isnull=True).exists()
    assert Notification.objects.filter(user=world.principal, read_at__isnull=True).count() == 2


def test_query_count_does_not_grow(world, reminded, django_assert_max_num_queries):
    client = client_for(world.colleague)
    with django_assert_max_num_queries(8) as small:
        client.get("/workflows/notifications/")
    with time_machine.travel(datetime.datetime(2026, 5, 4, 9, tzinfo=SHANGHAI), tick=False):
        for _i in range(5):
            open_case(world.classroom, by=world.colleague)
    reminders_send(today=D(2026, 5, 20))
    assert Notification.objects.filter(user=world.colleague).count() == 7
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get("/workflows/notifications/")


def test_the_menu_count_adds_no_query(world, reminded, django_assert_max_num_queries):
    client = client_for(world.colleague)
    client.get("/accounts/home/")  # warm up
    Notification.objects.filter(user=world.colleague).update(read_at=None)
    with django_assert_max_num_queries(100) as with_unread:
        html = client.get("/accounts/home/").content.decode()
    assert unread_badge(html) == 2
    Notification.objects.filter(user=world.colleague).delete()
    with django_assert_max_num_queries(100) as without:
        html = client.get("/accounts/home/").content.decode()
    assert unread_badge(html) is None
    assert len(with_unread.captured_queries) == len(without.captured_queries)
