"""Shared helpers of the case page tests: open cases and move them on through the real services."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.test import Client

from casework import services
from casework.models import Case
from tests.factories import PupilFactory

if TYPE_CHECKING:
    from accounts.models import User
    from schools.models import Classroom
    from tests.conftest import World


def open_case(
    world: World,
    *,
    user: User | None = None,
    classroom: Classroom | None = None,
    categories: Iterable[str] = ("academic",),
    summary: str = "数学跟不上",
    pupil_name: str | None = None,
) -> Case:
    """A new pupil of ``world.classroom`` (class teacher: ``world.owner``) with a case opened by
    ``user`` (default ``world.owner``, who is then owner and class teacher at once)."""
    extra = {"name": pupil_name} if pupil_name else {}
    pupil = PupilFactory.create(classroom=classroom or world.classroom, **extra)
    return services.case_open(
        user=user or world.owner, pupil_id=pupil.pk, categories=list(categories), summary=summary
    )


def step(case: Case, name: str, user: User, comment: str = "") -> Case:
    return services.case_transition(case_id=case.pk, user=user, name=name, comment=comment)


def to_awaiting_approval(case: Case, *, author: User) -> Case:
    """identified → planning → (a plan by ``author``) → awaiting approval."""
    step(case, "draft_plan", author)
    services.plan_create(case_id=case.pk, user=author, goals="期末数学及格", measures="每周两次辅导")
    return step(case, "submit_plan", author)


def to_intervention(case: Case, *, author: User, leader: User) -> Case:
    to_awaiting_approval(case, author=author)
    return step(case, "approve_plan", leader)


def page(client: Client, user: User, url: str, status: int = 200) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == status, (user.username, url, response.status_code)
    return response.content.decode()


def transition_buttons(html: str) -> list[str]:
    """The transitions offered as buttons on a case page, in page order."""
    return re.findall(r'data-transition="([a-z_]+)"', html)
