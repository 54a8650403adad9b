"""Helpers for inspection tests: inspections, findings and rectifications made through the services.

inspection = submitted_inspection(world)          # of world.school, led by world.inspector
rectification = open_rectification(world)          # on a finding of a new submitted inspection
people = staff(world)                              # adds a vice principal, other-school principal, ...
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.utils import timezone

from inspections import services
from inspections.models import Finding, Inspection, Notice, Rectification
from schools.models import BureauMembership, Membership
from tests.factories import BureauFactory, BureauMembershipFactory, MembershipFactory, UserFactory

if TYPE_CHECKING:
    from accounts.models import User
    from tests.conftest import World


def today() -> datetime.date:
    return timezone.localdate()


def draft_inspection(world: World, *, inspector: User | None = None) -> Inspection:
    return services.inspection_create(
        user=inspector or world.inspector,
        school_id=world.school.pk,
        inspected_on=today() - datetime.timedelta(days=1),
    )


def submitted_inspection(
    world: World, *, finding_text: str = "家长意见未见回应", needs_rectification: bool = True
) -> tuple[Inspection, Finding]:
    inspection = draft_inspection(world)
    services.inspection_update(
        user=world.inspector, inspection_id=inspection.pk, summary="总体良好", rating="good"
    )
    finding = services.finding_add(
        user=world.inspector,
        inspection_id=inspection.pk,
        text=finding_text,
        needs_rectification=needs_rectification,
    )
    inspection = services.inspection_submit(user=world.inspector, inspection_id=inspection.pk)
    return inspection, finding


def open_rectification(world: World, *, days: int = 14) -> Rectification:
    _inspection, finding = submitted_inspection(world)
    return services.rectification_open(
        user=world.inspector, finding_id=finding.pk, deadline=today() + datetime.timedelta(days=days)
    )


def answered_rectification(world: World, **kwargs: int) -> Rectification:
    rectification = open_rectification(world, **kwargs)
    return services.rectification_answer(
        user=world.principal, rectification_id=rectification.pk, response="已建立家长意见回应台账"
    )


def issue_notice(world: World, *, teachers: list[User] | None = None, kind: str = "commendation") -> Notice:
    return services.notice_issue(
        user=world.inspector,
        school_id=world.school.pk,
        kind=kind,
        title="表彰通报",
        text="家访帮扶工作表现突出。",
        teacher_ids=[t.pk for t in teachers or []],
    )


def staff(world: World) -> dict[str, User]:
    """The world's people plus: vice principal, other-school principal, other-bureau inspector,
    superuser (no position). Call once per test."""
    other_inspector = UserFactory.create(username="other_inspector")
    BureauMembershipFactory.create(
        user=other_inspector,
        bureau=BureauFactory.create(code="elsewhere"),
        role=BureauMembership.Role.INSPECTOR,
    )
    vice = UserFactory.create(username="vice")
    MembershipFactory.create(user=vice, school=world.school, role=Membership.Role.VICE_PRINCIPAL)
    other_principal = UserFactory.create(username="other_principal")
    MembershipFactory.create(user=other_principal, school=world.other_school, role=Membership.Role.PRINCIPAL)
    superuser = UserFactory.create(username="root", is_superuser=True, is_staff=True)
    return {
        "inspector": world.inspector,
        "principal": world.principal,
        "vice_principal": vice,
        "school_admin": world.admin,
        "teacher": world.owner,
        "colleague": world.colleague,
        "counsellor": world.counsellor,
        "custodian": world.custodian,
        "outsider": world.outsider,
        "other_principal": other_principal,
        "other_inspector": other_inspector,
        "superuser": superuser,
    }
