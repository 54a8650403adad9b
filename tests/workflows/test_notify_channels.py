"""The channels: e-mail, WeCom and DingTalk group robots (against a fake robot on the loopback
address, over real HTTP), retries on 5xx, after commit only; and the daily digest."""

from __future__ import annotations

import datetime
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.test import override_settings
from django.utils import timezone, translation

from core.errors import Invalid
from core.webhooks import webhook_url_problem
from schools.models import Membership
from tests.builders import open_case, submit_plan
from tests.factories import MembershipFactory
from workflows.models import Notification, NotificationKind, NotificationPreference
from workflows.notify import notification_digests_send, notification_preference_update
from workflows.tasks import send_notification_digests

K = NotificationKind


@dataclass
class FakeRobot:
    """What the fake robot received, and the statuses it answers with (then 200)."""

    url: str = ""
    received: list[dict[str, Any]] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)


@pytest.fixture
def robot() -> Iterator[FakeRobot]:
    state = FakeRobot()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            state.received.append(json.loads(self.rfile.read(length).decode("utf-8")))
            state.paths.append(self.path)
            status = state.statuses.pop(0) if state.statuses else 200
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"errcode":0,"errmsg":"ok"}')

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


def prefer(user, **values: Any) -> NotificationPreference:
    defaults = {"email": True, "digest": False, "webhook_format": "", "webhook_url": ""}
    return notification_preference_update(user=user, **{**defaults, **values})


def submitted(world, django_capture_on_commit_callbacks) -> None:
    """A plan submitted by the colleague: the principal is told (after commit, on Celery)."""
    case = open_case(world.classroom, by=world.colleague)
    with django_capture_on_commit_callbacks(execute=True):
        submit_plan(case, by=world.colleague)


def test_wecom_robot_gets_its_markdown_after_commit(world, robot, django_capture_on_commit_callbacks):
    prefer(
        world.principal,
        email=False,
        webhook_format="wecom",
        webhook_url=f"{robot.url}/cgi-bin/webhook/send?key=k1",
    )
    case = open_case(world.classroom, by=world.colleague)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        submit_plan(case, by=world.colleague)
        assert robot.received == []  # nothing leaves before commit
    for callback in callbacks:
        callback()
    assert len(robot.received) == 1
    assert robot.paths == ["/cgi-bin/webhook/send?key=k1"]
    message = robot.received[0]
    assert set(message) == {"msgtype", "markdown"}
    assert message["msgtype"] == "markdown"
    assert set(message["markdown"]) == {"content"}
    content = message["markdown"]["content"]
    note = Notification.objects.get(user=world.principal, kind=K.PLAN_SUBMITTED)
    assert f"{note.url}" in content
    assert str(case.pk) in content
    assert case.pupil.name not in content  # no pupil data leaves the school


def test_dingtalk_robot_gets_title_and_text(world, robot, django_capture_on_commit_callbacks):
    prefer(
        world.principal,
        email=False,
        webhook_format="dingtalk",
        webhook_url=f"{robot.url}/robot/send?access_token=t",
    )
    submitted(world, django_capture_on_commit_callbacks)
    assert len(robot.received) == 1
    message = robot.received[0]
    assert message["msgtype"] == "markdown"
    assert set(message["markdown"]) == {"title", "text"}
    note = Notification.objects.get(user=world.principal, kind=K.PLAN_SUBMITTED)
    with translation.override(settings.LANGUAGE_CODE):
        assert message["markdown"]["title"].endswith(f"] {note.get_kind_display()}")
    assert note.url in message["markdown"]["text"]
    assert message["markdown"]["title"] in message["markdown"]["text"]


def test_a_5xx_is_retried_until_the_robot_takes_it(world, robot, django_capture_on_commit_callbacks):
    prefer(world.principal, email=False, webhook_format="wecom", webhook_url=f"{robot.url}/send")
    robot.statuses = [500, 503]
    submitted(world, django_capture_on_commit_callbacks)
    assert len(robot.received) == 3  # two refusals, then delivered
    assert robot.received[0] == robot.received[2]


def test_a_4xx_is_not_retried(world, robot, django_capture_on_commit_callbacks):
    prefer(world.principal, email=False, webhook_format="wecom", webhook_url=f"{robot.url}/send")
    robot.statuses = [404]
    submitted(world, django_capture_on_commit_callbacks)
    assert len(robot.received) == 1
    assert Notification.objects.filter(user=world.principal).exists()  # the in-app one stays


def test_email_at_once_by_default_and_not_when_switched_off(world, django_capture_on_commit_callbacks):
    for user in (world.principal, world.colleague):
        user.email = f"{user.username}@school.example"
        user.save(update_fields=["email"])
    submitted(world, django_capture_on_commit_callbacks)
    assert [m.to for m in mail.outbox] == [["principal@school.example"]]
    assert "/workflows/tasks/" in mail.outbox[0].body
    mail.outbox.clear()
    prefer(world.principal, email=False)
    submitted(world, django_capture_on_commit_callbacks)
    assert mail.outbox == []
    assert Notification.objects.filter(user=world.principal, kind=K.PLAN_SUBMITTED).count() == 2


def test_the_daily_digest_is_one_mail_a_day(world, django_capture_on_commit_callbacks):
    world.principal.email = "principal@school.example"
    world.principal.save(update_fields=["email"])
    prefer(world.principal, digest=True)
    submitted(world, django_capture_on_commit_callbacks)
    submitted(world, django_capture_on_commit_callbacks)
    assert mail.outbox == []  # the digest instead of one mail each
    today = timezone.localdate()
    assert notification_digests_send(today=today) == 1
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert body.count("\n- ") + body.startswith("- ") == 2
    assert notification_digests_send(today=today) == 0  # once a day
    assert send_notification_digests(today.isoformat()) == 0  # the Celery task calls the same
    # Read everything: the next day's digest has nothing to say.
    Notification.objects.update(read_at=timezone.now())
    assert notification_digests_send(today=today + datetime.timedelta(days=1)) == 0
    assert len(mail.outbox) == 1


def test_webhook_addresses_are_checked():
    with override_settings(WANJIA_WEBHOOK_ALLOW_HTTP_HOSTS=[]):
        assert webhook_url_problem("http://127.0.0.1:9/x") != ""
        assert webhook_url_problem("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=1") == ""
        assert webhook_url_problem("https://oapi.dingtalk.com/robot/send?access_token=1") == ""
        assert webhook_url_problem("https://evil.example/hook") != ""
        assert webhook_url_problem("https://user:pw@qyapi.weixin.qq.com/") != ""
        assert webhook_url_problem("ftp://qyapi.weixin.qq.com/") != ""


def test_preferences_refuse_half_a_robot(world):
    with pytest.raises(Invalid) as exc:
        prefer(world.owner, webhook_format="wecom")
    assert "webhook_url" in exc.value.errors
    with pytest.raises(Invalid) as exc:
        prefer(world.owner, webhook_url="https://qyapi.weixin.qq.com/x")
    assert "webhook_format" in exc.value.errors
    assert not NotificationPreference.objects.exists()


def test_the_channels_of_many_notifications_are_read_in_one_query(world, django_assert_num_queries):
    """deliveries() reads every recipient's choices with the notifications: one query for 1 or 12."""
    from workflows.notify import deliveries, notify, staff_of_school

    for extra in range(11):
        MembershipFactory.create(
            school=world.school, role=Membership.Role.TEACHER, user__email=f"t{extra}@x.cn"
        )
    ids = notify(
        kind=NotificationKind.PLAN_APPROVED,
        event="test:channels:many",
        recipients=staff_of_school(school_id=world.school.pk),
        school_id=world.school.pk,
    )
    assert len(ids) >= 12
    with django_assert_num_queries(1):
        assert deliveries(ids)
    with django_assert_num_queries(1):
        deliveries(ids[:1])
