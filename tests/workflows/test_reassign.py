"""Handing cases and their open tasks over to another teacher."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from audit.models import AuditEvent
from casework.models import Case, State
from core.errors import Forbidden, Invalid, NotFound
from schools.models import Membership
from tests.builders import drive_to, open_case
from tests.casework.helpers import add_staff
from workflows.models import OPEN_STATUSES, CaseTask
from workflows.services import case_reassign, cases_reassign

pytestmark = pytest.mark.postgres_only


def open_task(case: Case) -> CaseTask:
    return CaseTask.objects.get(case=case, flow_task_type="HUMAN", status__in=OPEN_STATUSES)


def test_principal_reassigns_a_case_and_its_open_task(world):
    new = add_staff("newteacher", world.school)
    case = drive_to(open_case(world.classroom, by=world.colleague), State.PLANNING)
    case_reassign(case_id=case.pk, new_owner=new, actor=world.principal, reason="调离本校")
    assert Case.objects.get(pk=case.pk).owner_id == new.pk
    assert open_task(case).owner_id == new.pk
    event = AuditEvent.objects.get(action="case.reassigned", case_id=case.pk)
    assert event.detail["old_owner"] == world.colleague.pk and event.detail["new_owner"] == new.pk
    assert event.school_id == case.school_id


def test_reassignment_refusals_change_nothing(world):
    case = open_case(world.classroom, by=world.colleague)
    with pytest.raises(NotFound):
        case_reassign(case_id=case.pk, new_owner=world.owner, actor=world.outsider, reason="x")
    with pytest.raises(Forbidden):
        case_reassign(case_id=case.pk, new_owner=world.owner, actor=world.owner, reason="x")
    with pytest.raises(Invalid):  # not a teacher of the school
        case_reassign(case_id=case.pk, new_owner=world.outsider, actor=world.principal, reason="x")
    with pytest.raises(Invalid):  # no reason
        case_reassign(case_id=case.pk, new_owner=world.owner, actor=world.principal, reason=" ")
    assert Case.objects.get(pk=case.pk).owner_id == world.colleague.pk
    assert open_task(case).owner_id == world.colleague.pk
    assert not AuditEvent.objects.filter(action="case.reassigned").exists()


def test_bulk_reassignment_moves_every_case(world):
    leaving = world.colleague
    cases = [
        open_case(world.classroom, by=world.colleague),
        drive_to(open_case(world.classroom, by=world.colleague), State.AWAITING_APPROVAL),
    ]
    Membership.objects.filter(user=leaving).update(is_active=False)
    moved = cases_reassign(
        from_user=leaving,
        to_user=world.owner,
        school_id=world.school.pk,
        actor=world.principal,
        reason="退休",
    )
    assert {c.pk for c in moved} == {c.pk for c in cases}
    assert not Case.objects.filter(owner=leaving).exists()
    assert open_task(cases[0]).owner_id == world.owner.pk
    assert open_task(cases[1]).owner_id is None  # the approval stays in the leaders' queue
    assert AuditEvent.objects.filter(action="case.reassigned").count() == 2
    with pytest.raises(Forbidden):
        cases_reassign(
            from_user=world.owner,
            to_user=world.colleague,
            school_id=world.school.pk,
            actor=world.owner,
            reason="x",
        )


def _web(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_reassign_page_for_principals_only(world):
    case = open_case(world.classroom, by=world.colleague)
    url = f"/workflows/reassign/?school={world.school.pk}&teacher={world.colleague.pk}"
    page = _web(world.principal).get(url)
    assert page.status_code == 200 and f'data-case="{case.pk}"' in page.content.decode()
    for persona in (world.owner, world.colleague, world.counsellor, world.inspector):
        assert _web(persona).get(url).status_code == 403
    other_principal = add_staff("principal_b", world.other_school, Membership.Role.PRINCIPAL)
    assert _web(other_principal).get(url).status_code == 404
    assert _web(world.principal).delete(url).status_code == 405


def test_reassign_page_one_and_all(world):
    cases = [open_case(world.classroom, by=world.colleague), open_case(world.classroom, by=world.colleague)]
    url = f"/workflows/reassign/?school={world.school.pk}&teacher={world.colleague.pk}"
    client = _web(world.principal)
    # bad input: no reason → 400, nothing moved
    response = client.post(url, {"case": cases[0].pk, "new_owner": world.owner.pk, "reason": ""})
    assert response.status_code == 400
    assert Case.objects.filter(owner=world.colleague).count() == 2
    # a teacher of another school is not a choice
    response = client.post(url, {"new_owner": world.outsider.pk, "reason": "调动"})
    assert response.status_code == 400
    response = client.post(url, {"case": cases[0].pk, "new_owner": world.owner.pk, "reason": "调动"})
    assert response.status_code == 302
    assert Case.objects.get(pk=cases[0].pk).owner_id == world.owner.pk
    response = client.post(url, {"new_owner": world.owner.pk, "reason": "调动"})
    assert response.status_code == 302
    assert not Case.objects.filter(owner=world.colleague).exists()
    assert open_task(cases[1]).owner_id == world.owner.pk
    assert AuditEvent.objects.filter(action="case.reassigned").count() == 2
