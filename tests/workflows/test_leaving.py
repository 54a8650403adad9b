"""A member of staff leaves a school (workflows.staff.staff_leave): their memberships end, their open
work goes to a colleague in one transaction, and from then on they see nothing of the school.

The endpoint-by-endpoint check of the last point is tests/test_leaver_matrix.py.
"""

from __future__ import annotations

import pytest
from django.utils import timezone
from viewflow.workflow.status import STATUS

from accounts.models import ApiToken
from audit.models import AuditEvent
from casework.models import Case, HomeVisit, State, VisitParticipant
from casework.services import visit_create
from core.errors import Conflict, Forbidden, Invalid, NotFound
from schools.models import Classroom, Membership
from tests.api.helpers import api_client
from tests.builders import drive_to, open_case, schedule_visit
from tests.casework.helpers import add_staff
from tests.factories import BureauMembershipFactory, MembershipFactory, PupilFactory
from workflows.models import OPEN_STATUSES, CaseTask
from workflows.services import task_claim
from workflows.staff import staff_leave

pytestmark = pytest.mark.postgres_only


def open_task(case: Case) -> CaseTask:
    return CaseTask.objects.get(case=case, flow_task_type="HUMAN", status__in=OPEN_STATUSES)


def leave(world, who, to=None, actor=None, **kwargs):
    return staff_leave(
        user_id=who.pk,
        school_id=world.school.pk,
        handover_to_id=to.pk if to is not None else None,
        actor=actor or world.principal,
        **kwargs,
    )


# --- the bug this closes: an ended membership kept the cases open ----------------------------------


@pytest.mark.parametrize("how", ["service", "membership ended by hand"])
def test_an_owner_and_class_teacher_who_left_reads_and_writes_nothing(world, how):
    """The owner (world.owner, also the class teacher) reads their case before, 404 after."""
    case = open_case(world.classroom, by=world.owner)
    visit = schedule_visit(drive_to(case, State.INTERVENTION, leader=world.principal), by=world.owner)
    client = api_client(world.owner)
    MembershipFactory.create(user=world.owner, school=world.other_school)  # keeps signing in
    paths = [
        f"/api/v1/cases/{case.pk}/",
        f"/api/v1/cases/{case.pk}/plans/",
        f"/api/v1/cases/{case.pk}/visits/",
        f"/api/v1/visits/{visit.pk}/",
    ]
    assert [client.get(path).status_code for path in paths] == [200] * len(paths)
    assert client.get("/api/v1/cases/").json()["count"] == 1

    if how == "service":
        leave(world, world.owner, to=world.colleague)
    else:  # the Django admin, or any other way: the rules read the membership, not the service
        Membership.objects.filter(user=world.owner, school=world.school).update(is_active=False)

    assert [client.get(path).status_code for path in paths] == [404] * len(paths)
    assert client.get("/api/v1/cases/").json()["count"] == 0
    assert client.get("/api/v1/visits/").json()["count"] == 0
    plans = case.plans.count()
    response = client.post(
        f"/api/v1/cases/{case.pk}/plans/", {"goals": "目标", "measures": "措施"}, format="json"
    )
    assert response.status_code == 404
    assert case.plans.count() == plans


# --- the service ------------------------------------------------------------------------------------


def test_leaving_hands_over_cases_tasks_visits_and_ends_the_memberships(world):
    leaver = world.colleague
    MembershipFactory.create(user=leaver, school=world.school, role=Membership.Role.COUNSELLOR)
    MembershipFactory.create(user=leaver, school=world.other_school)  # works on elsewhere
    new = add_staff("newteacher", world.school)
    planning = drive_to(open_case(world.classroom, by=leaver), State.PLANNING)
    home_visit = drive_to(open_case(world.classroom, by=leaver), State.HOME_VISIT, leader=world.principal)
    closed = drive_to(open_case(world.classroom, by=leaver), State.CLOSED, leader=world.principal)
    elsewhere = open_case(world.other_classroom, by=leaver)
    # A visit without a case that the leaver and the new teacher both go on, and one only the
    # leaver goes on; a recorded visit stays as it was.
    pupil = PupilFactory.create(classroom=world.classroom)
    both = visit_create(user=leaver, pupil_id=pupil.pk, participant_ids=[new.pk])
    alone = visit_create(user=leaver, pupil_id=pupil.pk)
    recorded = Case.objects.get(pk=home_visit.pk).current_visit
    assert recorded is not None and recorded.visited_at is None
    led = Classroom.objects.create(
        school=world.school,
        academic_year=world.classroom.academic_year,
        grade=5,
        number=2,
        class_teacher=leaver,
    )

    leaving = leave(world, leaver, to=new, reason="调往外校")

    assert sorted(leaving.cases) == sorted([planning.pk, home_visit.pk])
    assert leaving.roles == [Membership.Role.COUNSELLOR, Membership.Role.TEACHER]
    assert not leaving.signed_out
    for case in (planning, home_visit):
        assert Case.objects.get(pk=case.pk).owner_id == new.pk
        assert open_task(case).owner_id == new.pk
    assert Case.objects.get(pk=closed.pk).owner_id == leaver.pk  # history stays in their name
    assert Case.objects.get(pk=elsewhere.pk).owner_id == leaver.pk  # another school's case
    assert set(leaving.tasks) == {open_task(planning).pk, open_task(home_visit).pk}
    assert list(VisitParticipant.objects.filter(visit=both).values_list("user_id", flat=True)) == [new.pk]
    assert list(VisitParticipant.objects.filter(visit=alone).values_list("user_id", flat=True)) == [new.pk]
    assert VisitParticipant.objects.filter(visit=recorded, user=new).exists()
    assert set(leaving.visits) == {both.pk, alone.pk, recorded.pk}
    led.refresh_from_db()
    assert led.class_teacher is None and leaving.classes == [led.pk]
    ended = Membership.objects.filter(user=leaver, school=world.school)
    assert {(m.is_active, m.left_on) for m in ended} == {(False, timezone.localdate())}
    assert Membership.objects.get(user=leaver, school=world.other_school).is_active

    left = AuditEvent.objects.get(action="staff.left")
    assert left.school_id == world.school.pk and left.actor_id == world.principal.pk
    assert left.target_id == str(leaver.pk)
    assert left.detail["counts"] == {"cases": 2, "tasks": 2, "tasks_released": 0, "visits": 3, "classes": 1}
    assert left.detail["handover_to"] == new.pk and left.detail["reason"] == "调往外校"
    reassigned = AuditEvent.objects.filter(action="case.reassigned").order_by("case_id")
    assert [e.case_id for e in reassigned] == sorted(leaving.cases)
    assert {e.detail["reason"] for e in reassigned} == {"调往外校"}


def test_a_leaders_queue_task_the_leaver_claimed_goes_back_to_the_queue(world):
    vice = add_staff("vice", world.school, Membership.Role.VICE_PRINCIPAL)
    case = drive_to(open_case(world.classroom, by=world.colleague), State.AWAITING_APPROVAL)
    task = task_claim(task_id=open_task(case).pk, user=vice)
    assert task.status == STATUS.ASSIGNED

    leaving = leave(world, vice)  # nothing to hand over to a teacher: no colleague needed

    task.refresh_from_db()
    assert (task.status, task.owner_id) == (STATUS.NEW, None)
    assert leaving.tasks_released == [task.pk] and leaving.handover_to is None
    assert Case.objects.get(pk=case.pk).owner_id == world.colleague.pk


def test_a_task_held_on_someone_elses_case_goes_to_the_cases_paired_teacher(world):
    case = drive_to(open_case(world.classroom, by=world.owner), State.PLANNING)
    task = open_task(case)
    CaseTask.objects.filter(pk=task.pk).update(owner=world.colleague)  # e.g. handed over by hand

    leaving = leave(world, world.colleague)  # no case or visit of their own: no colleague needed

    task.refresh_from_db()
    assert task.owner_id == world.owner.pk and task.status in OPEN_STATUSES
    assert leaving.tasks == [task.pk] and leaving.tasks_released == []


def test_a_leaver_with_no_other_position_is_signed_out_everywhere(world, client):
    client.force_login(world.colleague)
    api = api_client(world.colleague)
    assert client.get("/cases/").status_code == 200
    assert api.get("/api/v1/cases/").status_code == 200

    leaving = leave(world, world.colleague)

    assert leaving.signed_out
    assert not ApiToken.objects.live().filter(user=world.colleague).exists()
    assert api.get("/api/v1/cases/").status_code == 401  # the token is revoked
    assert client.get("/cases/").status_code == 302  # the session is gone: to the login page
    assert AuditEvent.objects.get(action="staff.left").detail["signed_out"] is True


def test_a_bureau_position_keeps_the_leaver_signed_in(world, client):
    BureauMembershipFactory.create(user=world.colleague, bureau=world.school.bureau)
    client.force_login(world.colleague)
    assert not leave(world, world.colleague).signed_out
    assert client.get("/cases/").status_code == 200


def test_refusals_change_nothing(world):
    case = open_case(world.classroom, by=world.colleague)
    vice = add_staff("vice", world.school, Membership.Role.VICE_PRINCIPAL)
    never = add_staff("never", world.other_school)
    events = AuditEvent.objects.count()

    def refused(error, **kwargs):
        arguments = {"user_id": world.colleague.pk, "school_id": world.school.pk}
        arguments |= {"handover_to_id": world.owner.pk, "actor": world.principal} | kwargs
        with pytest.raises(error) as exc:
            staff_leave(**arguments)
        return exc.value

    refused(NotFound, school_id=world.other_school.pk)  # not their school
    refused(NotFound, school_id=987654)
    refused(NotFound, user_id=never.pk)  # never worked at the school
    refused(NotFound, actor=world.outsider)
    refused(Forbidden, actor=world.owner)  # a teacher
    refused(Forbidden, actor=world.counsellor)
    refused(Forbidden, actor=world.inspector)  # sees the school, records nothing
    refused(Forbidden, user_id=vice.pk, actor=vice)  # one's own leaving
    assert list(refused(Invalid, handover_to_id=None).errors) == ["handover_to"]
    assert "handover_to" in refused(Invalid, handover_to_id=world.colleague.pk).errors  # the leaver
    assert "handover_to" in refused(Invalid, handover_to_id=world.counsellor.pk).errors  # no teacher
    assert "handover_to" in refused(Invalid, handover_to_id=world.outsider.pk).errors  # elsewhere
    assert "handover_to" in refused(Invalid, handover_to_id=987654).errors

    assert Membership.objects.get(user=world.colleague, school=world.school).is_active
    assert Case.objects.get(pk=case.pk).owner_id == world.colleague.pk
    assert AuditEvent.objects.count() == events

    leave(world, world.colleague, to=world.owner, actor=world.admin)  # school administrators too
    assert refused(Conflict).code == "not_member"  # left already


def test_a_colleague_who_left_cannot_take_over(world):
    open_case(world.classroom, by=world.colleague)
    leave(world, world.owner)
    with pytest.raises(Invalid):
        leave(world, world.colleague, to=world.owner)


# --- the API ------------------------------------------------------------------------------------------


def test_the_api_records_the_leaving_and_answers_with_what_it_did(world):
    case = drive_to(open_case(world.classroom, by=world.colleague), State.PLANNING)
    client = api_client(world.principal)

    response = client.post(
        f"/api/v1/staff/{world.colleague.pk}/leave/",
        {"school": world.school.pk, "handover_to": world.owner.pk},
        format="json",
    )

    assert response.status_code == 200, response.json()
    assert response.json() == {
        "user": world.colleague.pk,
        "school": world.school.pk,
        "handover_to": world.owner.pk,
        "left_on": timezone.localdate().isoformat(),
        "roles": ["teacher"],
        "cases": [case.pk],
        "tasks": [open_task(case).pk],
        "tasks_released": [],
        "visits": [],
        "classes": [],
        "signed_out": True,
    }
    again = client.post(
        f"/api/v1/staff/{world.colleague.pk}/leave/",
        {"school": world.school.pk, "handover_to": world.owner.pk},
        format="json",
    )
    assert (again.status_code, again.json()["code"]) == (409, "not_member")


def test_the_api_refuses_with_the_documented_statuses(world):
    open_case(world.classroom, by=world.colleague)
    path = f"/api/v1/staff/{world.colleague.pk}/leave/"
    body = {"school": world.school.pk, "handover_to": world.owner.pk}

    assert api_client().post(path, body, format="json").status_code == 401
    assert api_client(world.owner).post(path, body, format="json").status_code == 403
    assert api_client(world.outsider).post(path, body, format="json").status_code == 404
    assert api_client(world.principal).get(path).status_code == 405
    missing = api_client(world.principal).post(path, {"handover_to": world.owner.pk}, format="json")
    assert missing.status_code == 400 and "school" in missing.json()["errors"]
    same = api_client(world.principal).post(path, body | {"handover_to": world.colleague.pk}, format="json")
    assert same.status_code == 400 and same.json()["errors"]["handover_to"]
    nobody = api_client(world.principal).post(
        f"/api/v1/staff/{world.outsider.pk}/leave/", body, format="json"
    )
    assert nobody.status_code == 404
    assert Membership.objects.get(user=world.colleague, school=world.school).is_active


# --- the pages ------------------------------------------------------------------------------------


def test_the_principal_picks_the_person_and_the_colleague_on_the_pages(world, client):
    case = open_case(world.classroom, by=world.colleague)
    client.force_login(world.principal)
    page = client.get("/workflows/reassign/")
    assert b'data-link="leaving"' in page.content
    listing = client.get(f"/workflows/leaving/?school={world.school.pk}")
    assert listing.status_code == 200
    assert f'data-person="{world.colleague.pk}"'.encode() in listing.content
    # On a phone the rows stack, each cell labelled (static/css/wanjia.css, table.stack).
    assert b'<table class="stack">' in listing.content and b'data-label="' in listing.content
    form_url = f"/workflows/leaving/{world.school.pk}/{world.colleague.pk}/"
    form = client.get(form_url)
    assert form.status_code == 200
    assert b'data-count="cases"' in form.content

    refused = client.post(form_url, {"handover_to": "", "reason": ""})
    assert refused.status_code == 400
    assert Case.objects.get(pk=case.pk).owner_id == world.colleague.pk

    done = client.post(form_url, {"handover_to": world.owner.pk, "reason": "退休"}, follow=True)
    assert done.status_code == 200
    assert done.redirect_chain[-1][0] == f"/workflows/leaving/?school={world.school.pk}"
    assert Case.objects.get(pk=case.pk).owner_id == world.owner.pk
    assert client.get(form_url).status_code == 404  # no longer on the staff


def test_the_leaving_pages_are_for_the_schools_leaders_and_administrators(world, client):
    client.force_login(world.owner)
    assert client.get("/workflows/leaving/").status_code == 403
    assert client.get(f"/workflows/leaving/{world.school.pk}/{world.colleague.pk}/").status_code == 403
    client.force_login(world.outsider)
    assert client.get(f"/workflows/leaving/{world.school.pk}/{world.colleague.pk}/").status_code == 404
    client.force_login(world.admin)
    assert client.get("/workflows/leaving/").status_code == 200
    home = client.get("/accounts/home/")
    assert b'data-nav="leaving"' in home.content


def test_visits_planned_for_a_leaver_are_kept_for_the_record(world):
    """A recorded visit keeps the leaver among its participants (it is history)."""
    case = drive_to(open_case(world.classroom, by=world.colleague), State.REVIEW, leader=world.principal)
    visit = HomeVisit.objects.filter(case=case).get()
    assert visit.visited_at is not None
    leave(world, world.colleague, to=world.owner)
    assert VisitParticipant.objects.filter(visit=visit, user=world.colleague).exists()
    assert Classroom.objects.get(pk=world.classroom.pk).class_teacher_id == world.owner.pk
