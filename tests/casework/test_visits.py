"""The home-visit cycle (docs/home-visits.md): plan → appointment → record → follow-up / case,
with and without a case, through the real services, pages and API."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from casework import services
from casework.models import Case, HomeVisit, VisitPlan
from casework.selectors import visit_get_for_user, visit_list_for_user
from core.errors import Conflict, Forbidden, Invalid, NotFound
from reports.queries import home_visit_coverage
from schools.models import Campaign
from tests.api.helpers import api_client
from tests.builders import open_case, schedule_visit
from tests.factories import BureauFactory, GuardianFactory, PupilFactory

NOW = datetime.datetime(2027, 1, 12, 10, 0, tzinfo=datetime.UTC)
PLEDGED = {"no_gifts_pledge": True}


def _campaign(world) -> Campaign:
    return Campaign.objects.create(
        bureau=world.school.bureau,
        year=2027,
        name="2027年万师进万家",
        starts_on=datetime.date(2027, 1, 1),
        ends_on=datetime.date(2027, 12, 31),
    )


def _plan(world) -> VisitPlan:
    return services.visit_plan_create(
        user=world.principal,
        school_id=world.school.pk,
        title="寒假家访 四年级一班",
        grouping=VisitPlan.Grouping.CLASS,
        classroom_id=world.classroom.pk,
        campaign_id=_campaign(world).pk,
        starts_on=datetime.date(2027, 1, 1),
        ends_on=datetime.date(2027, 2, 28),
    )


def _planned(world, n: int = 1) -> list[HomeVisit]:
    """Visits to new pupils of world.classroom (class teacher: owner), visited by the colleague."""
    plan = _plan(world)
    pupils = [PupilFactory.create(classroom=world.classroom) for _ in range(n)]
    return services.visit_plan_assign(
        user=world.principal,
        plan_id=plan.pk,
        pupil_ids=[p.pk for p in pupils],
        participant_ids=[world.colleague.pk],
    )


def _appoint(world, visit: HomeVisit, hours_ago: int = 3) -> HomeVisit:
    guardian = GuardianFactory.create(pupil=visit.pupil, name="王芳")
    return services.visit_appoint(
        user=world.colleague,
        visit_id=visit.pk,
        scheduled_for=timezone.now() - datetime.timedelta(hours=hours_ago),
        method=HomeVisit.Method.PHONE,
        guardian_id=guardian.pk,
        agreed_at=timezone.now() - datetime.timedelta(days=2),
    )


def _record(world, visit: HomeVisit, **extra) -> HomeVisit:
    data = {"visited_at": timezone.now() - datetime.timedelta(hours=1), "reflection": "要多鼓励", **PLEDGED}
    return services.visit_record(visit_id=visit.pk, user=world.colleague, data={**data, **extra})


@time_machine.travel(NOW, tick=False)
def test_the_cycle_of_a_visit_without_a_case(world):
    planning, spare = _planned(world, 2)
    assert planning.case is None and planning.school == world.school and planning.stage == "planned"
    assert set(planning.participants.all()) == {world.colleague}
    # Assigning again skips the pupils already in the plan.
    assert (
        services.visit_plan_assign(
            user=world.principal,
            plan_id=planning.plan_id or 0,
            pupil_ids=[planning.pupil_id],
            participant_ids=[world.colleague.pk],
        )
        == []
    )
    # Only leaders and administrators plan for the school; teachers plan their own (包人).
    with pytest.raises(Forbidden):
        services.visit_plan_assign(
            user=world.colleague,
            plan_id=planning.plan_id or 0,
            pupil_ids=[spare.pupil_id],
            participant_ids=[world.colleague.pk],
        )
    own = services.visit_create(
        user=world.owner, pupil_id=spare.pupil_id, participant_ids=[world.colleague.pk]
    )
    assert set(own.participants.all()) == {world.owner, world.colleague}
    with pytest.raises(Forbidden):
        services.visit_create(user=world.inspector, pupil_id=spare.pupil_id)

    # Never recorded without an appointment: the service says so, and the database too.
    with pytest.raises(Conflict) as refused:
        _record(world, planning)
    assert refused.value.code == "appointment_missing"
    with pytest.raises(IntegrityError), transaction.atomic():
        HomeVisit.objects.filter(pk=planning.pk).update(visited_at=timezone.now())
    with pytest.raises(Invalid) as refused_who:
        services.visit_appoint(
            user=world.colleague, visit_id=planning.pk, scheduled_for=timezone.now(), method="phone"
        )
    assert "with_name" in refused_who.value.errors

    visit = _appoint(world, planning)
    assert visit.stage == "appointed" and visit.appointment_with == "王芳"
    with pytest.raises(IntegrityError), transaction.atomic():
        HomeVisit.objects.filter(pk=visit.pk).update(visited_at=NOW - datetime.timedelta(hours=4))
    # The pledge (清廉家访) is needed to record; a participant records; others may not.
    with pytest.raises(Invalid) as no_pledge:
        _record(world, visit, no_gifts_pledge=False)
    assert "no_gifts_pledge" in no_pledge.value.errors
    for person, error in [
        (world.owner, Forbidden),
        (world.inspector, Forbidden),
        (world.principal, Forbidden),
        (world.outsider, NotFound),
        (world.counsellor, NotFound),
    ]:
        with pytest.raises(error):
            services.visit_record(
                visit_id=visit.pk, user=person, data={"visited_at": timezone.now(), **PLEDGED}
            )
    visit = _record(world, visit)
    assert visit.stage == "recorded" and visit.reflection == "要多鼓励"

    # A refused gift is reported; the leaders see every report, the reporter their own.
    services.visit_gift_report(
        user=world.colleague,
        visit_id=visit.pk,
        what="两箱苹果",
        offered_on=datetime.date(2027, 1, 12),
        outcome="returned",
    )
    from casework.selectors import visit_gift_reports_for_user

    fresh = visit_get_for_user(user=world.principal, visit_id=visit.pk)
    assert [r.what for r in visit_gift_reports_for_user(visit=fresh, user=world.principal)] == ["两箱苹果"]
    assert visit_gift_reports_for_user(visit=fresh, user=world.owner) == []

    follow_up = services.visit_follow_up(user=world.colleague, visit_id=visit.pk)
    assert follow_up.kind == "follow_up" and follow_up.follow_up_of == visit and follow_up.case is None

    # The visit opens a case: one transaction, the visit joins it.
    with pytest.raises(Forbidden):
        services.visit_open_case(user=world.principal, visit_id=visit.pk, categories=["poverty"], summary="x")
    case = services.visit_open_case(
        user=world.colleague, visit_id=visit.pk, categories=["poverty"], summary="家庭困难，父亲长期外出务工"
    )
    visit.refresh_from_db()
    assert visit.case == case and case.owner == world.colleague and case.pupil == visit.pupil
    with pytest.raises(Conflict):
        services.visit_open_case(user=world.colleague, visit_id=visit.pk, categories=["poverty"], summary="x")

    actions = set(AuditEvent.objects.filter(school_id=world.school.pk).values_list("action", flat=True))
    assert {
        "visit_plan.create",
        "visit.plan",
        "visit.appoint",
        "visit.record",
        "visit.gift_reported",
        "visit.follow_up",
        "visit.case_opened",
        "case.open",
    } <= actions
    # Caseless visits count in the reports' coverage.
    from schools.models import AcademicYear

    year = AcademicYear.objects.get(pk=world.classroom.academic_year_id)
    coverage = home_visit_coverage(school_ids=[world.school.pk], year=year)
    if year.starts_on <= NOW.date() <= year.ends_on:
        assert sum(c.visited for c in coverage) == 1


@time_machine.travel(NOW, tick=False)
def test_who_sees_a_visit(world):
    (visit,) = _planned(world)
    case = open_case(world.other_classroom, by=world.outsider)
    case_visit = schedule_visit(case, by=world.outsider)
    assert case_visit.pupil == case.pupil and case_visit.school == case.school
    visible = {
        name: set(visit_list_for_user(user=getattr(world, name)).values_list("pk", flat=True))
        for name in (
            "colleague",
            "owner",
            "principal",
            "admin",
            "counsellor",
            "custodian",
            "outsider",
            "inspector",
        )
    }
    assert visible["colleague"] == {visit.pk}  # participant
    assert visible["owner"] == {visit.pk}  # the pupil's class teacher
    assert visible["principal"] == {visit.pk}
    assert visible["admin"] == visible["counsellor"] == visible["custodian"] == set()
    assert visible["outsider"] == {case_visit.pk}  # the case's owner
    assert visible["inspector"] == {visit.pk, case_visit.pk}
    for name, ids in visible.items():
        for target in (visit, case_visit):
            if target.pk in ids:
                visit_get_for_user(user=getattr(world, name), visit_id=target.pk)
            else:
                with pytest.raises(NotFound):
                    visit_get_for_user(user=getattr(world, name), visit_id=target.pk)


@time_machine.travel(NOW, tick=False)
def test_visit_pages(world):
    visits = _planned(world, 3)
    visit = visits[0]
    client = Client()
    client.force_login(world.colleague)
    # My visits: constant queries in the number of rows.
    url = reverse("visits:visit_list")
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for _ in range(3):
        services.visit_create(
            user=world.colleague, pupil_id=PupilFactory.create(classroom=world.classroom).pk
        )
    with CaptureQueriesContext(connection) as more:
        response = client.get(url, {"stage": "planned"})
    assert response.status_code == 200 and len(more) == len(few)
    assert response.content.decode().count("data-visit=") == 6

    detail = reverse("visits:visit_detail", args=[visit.pk])
    appointment = reverse("visits:visit_appointment", args=[visit.pk])
    record = reverse("visits:visit_record", args=[visit.pk])
    assert client.get(detail).status_code == 200
    assert client.post(record, {"visited_at": "2027-01-12T08:00", "no_gifts_pledge": "on"}).status_code == 409
    guardian = GuardianFactory.create(pupil=visit.pupil)
    response = client.post(
        appointment, {"scheduled_for": "2027-01-12T09:00", "method": "phone", "guardian": guardian.pk}
    )
    assert response.status_code == 302
    response = client.post(record, {"visited_at": "2027-01-12T09:30", "family_situation": "与奶奶同住"})
    assert response.status_code == 200 and "no_gifts_pledge" in response.context["form"].errors
    response = client.post(
        record, {"visited_at": "2027-01-12T09:30", "family_situation": "与奶奶同住", "no_gifts_pledge": "on"}
    )
    assert response.status_code == 302
    page = client.get(detail).content.decode()
    assert "与奶奶同住" in page and 'data-link="follow-up"' in page and 'data-link="open-case"' in page
    gifts = reverse("visits:visit_gift_report", args=[visit.pk])
    assert (
        client.post(gifts, {"what": "红包", "offered_on": "2027-01-12", "outcome": "refused"}).status_code
        == 302
    )
    assert client.post(reverse("visits:visit_follow_up", args=[visit.pk]), {}).status_code == 302
    response = client.post(
        reverse("visits:visit_open_case", args=[visit.pk]),
        {"categories": ["poverty"], "summary": "家庭困难", "risk_level": "medium"},
    )
    case = Case.objects.get(pupil=visit.pupil)
    assert response.status_code == 302 and response["Location"] == reverse(
        "casework:case_detail", args=[case.pk]
    )
    assert client.get(reverse("visits:visit_detail", args=[9_999_999])).status_code == 404
    assert client.delete(detail).status_code == 405

    # Others, on a visit without a case: the class teacher and the inspector read, may not write;
    # another school and the school administrator: 404.
    detail = reverse("visits:visit_detail", args=[visits[1].pk])
    record = reverse("visits:visit_record", args=[visits[1].pk])
    gifts = reverse("visits:visit_gift_report", args=[visits[1].pk])
    for person, read, write in [
        (world.owner, 200, 403),
        (world.inspector, 200, 403),
        (world.outsider, 404, 404),
        (world.admin, 404, 404),
    ]:
        client.force_login(person)
        assert client.get(detail).status_code == read
        assert client.get(record).status_code == write
        assert (
            client.post(gifts, {"what": "x", "offered_on": "2027-01-12", "outcome": "refused"}).status_code
            == write
        )
    client.logout()
    assert client.get(detail).status_code == 302

    # Plans: leaders and administrators create; teachers read; the inspector reads.
    client.force_login(world.admin)
    response = client.post(
        reverse("visits:plan_create"),
        {
            "title": "分片家访",
            "grouping": "area",
            "kind": "general",
            "term": "",
            "campaign": Campaign.objects.get().pk,
            "area_label": "铁东片区",
            "starts_on": "2027-01-01",
            "ends_on": "2027-02-28",
        },
    )
    assert response.status_code == 302
    plan = VisitPlan.objects.get(title="分片家访")
    pupil = PupilFactory.create(classroom=world.classroom)
    response = client.post(
        reverse("visits:plan_detail", args=[plan.pk]),
        {"pupils": [pupil.pk], "participants": [world.colleague.pk]},
    )
    assert response.status_code == 302 and plan.visits.count() == 1
    for person, status in [(world.colleague, 200), (world.inspector, 200), (world.outsider, 404)]:
        client.force_login(person)
        assert client.get(reverse("visits:plan_detail", args=[plan.pk])).status_code == status
        assert client.get(reverse("visits:plan_list")).status_code == 200
    client.force_login(world.colleague)
    assert client.get(reverse("visits:plan_create")).status_code == 403
    assert (
        client.post(
            reverse("visits:plan_detail", args=[plan.pk]),
            {"pupils": [pupil.pk], "participants": [world.colleague.pk]},
        ).status_code
        == 403
    )


@time_machine.travel(NOW, tick=False)
def test_visit_api(world):
    pupil = PupilFactory.create(classroom=world.classroom)
    guardian = GuardianFactory.create(pupil=pupil)
    client = api_client(world.colleague)
    response = client.post("/api/v1/visits/", {"pupil": pupil.pk, "kind": "targeted"}, format="json")
    assert response.status_code == 201, response.json()
    visit_id = response.json()["id"]
    assert response.json()["participants"] == [world.colleague.pk] and response.json()["stage"] == "planned"
    base = f"/api/v1/visits/{visit_id}/"
    assert (
        client.post(
            f"{base}record/", {"visited_at": "2027-01-12T09:30:00+08:00", **PLEDGED}, format="json"
        ).json()["code"]
        == "appointment_missing"
    )
    response = client.post(
        f"{base}appointment/",
        {"scheduled_for": "2027-01-12T09:00:00+08:00", "method": "in_person", "guardian": guardian.pk},
        format="json",
    )
    assert response.status_code == 200 and response.json()["stage"] == "appointed"
    response = client.post(f"{base}record/", {"visited_at": "2027-01-12T09:30:00+08:00"}, format="json")
    assert response.status_code == 400 and "no_gifts_pledge" in response.json()["errors"]
    response = client.post(
        f"{base}record/",
        {"visited_at": "2027-01-12T09:30:00+08:00", "policies_explained": "两免一补", **PLEDGED},
        format="json",
    )
    assert response.status_code == 200 and response.json()["stage"] == "recorded"
    assert client.post(f"{base}record/", {"case": 1}, format="json").status_code == 400
    response = client.post(
        f"{base}gift-reports/",
        {"what": "土鸡蛋", "offered_on": "2027-01-12", "outcome": "refused"},
        format="json",
    )
    assert response.status_code == 201
    assert client.get(f"{base}gift-reports/").json()["count"] == 1
    response = client.post(f"{base}follow-up/", {}, format="json")
    assert response.status_code == 201 and response.json()["follow_up_of"] == visit_id
    response = client.post(
        f"{base}open-case/", {"categories": ["academic"], "summary": "学习困难"}, format="json"
    )
    assert response.status_code == 201 and response.json()["state"] == "identified"
    assert client.get(base).json()["case"] == response.json()["id"]
    listed = client.get("/api/v1/visits/", {"stage": "recorded", "mine": "true"}).json()
    assert [v["id"] for v in listed["results"]] == [visit_id]
    assert client.get("/api/v1/visits/", {"stage": "nonsense"}).status_code == 400
    # The list: constant queries in the number of rows (participants fetched once per page).
    with CaptureQueriesContext(connection) as few:
        rows = len(client.get("/api/v1/visits/").json()["results"])
    for _ in range(3):
        services.visit_create(
            user=world.colleague, pupil_id=PupilFactory.create(classroom=world.classroom).pk
        )
    with CaptureQueriesContext(connection) as more:
        response = client.get("/api/v1/visits/")
    assert len(response.json()["results"]) == rows + 3 and len(more) == len(few)
    assert client.delete(base).status_code == 405

    for person, read, write in [
        (world.inspector, 200, 403),
        (world.principal, 200, 403),
        (world.outsider, 404, 404),
    ]:
        other = api_client(person)
        assert other.get(base).status_code == read
        assert other.post(f"{base}follow-up/", {}, format="json").status_code == write
    assert api_client().get(base).status_code == 401
    assert api_client().get("/api/v1/visits/").status_code == 401

    campaign = _campaign(world)
    plan_body = {
        "school": world.school.pk,
        "title": "包班家访",
        "grouping": "class",
        "classroom": world.classroom.pk,
        "campaign": campaign.pk,
        "starts_on": "2027-01-01",
        "ends_on": "2027-02-28",
    }
    assert (
        api_client(world.colleague).post("/api/v1/visit-plans/", plan_body, format="json").status_code == 403
    )
    assert (
        api_client(world.outsider).post("/api/v1/visit-plans/", plan_body, format="json").status_code == 404
    )
    response = api_client(world.principal).post("/api/v1/visit-plans/", plan_body, format="json")
    assert response.status_code == 201
    plan_id = response.json()["id"]
    response = api_client(world.principal).post(
        f"/api/v1/visit-plans/{plan_id}/assignments/",
        {"pupils": [pupil.pk], "participants": [world.owner.pk]},
        format="json",
    )
    assert response.status_code == 201 and len(response.json()) == 1
    assert api_client(world.colleague).get(f"/api/v1/visit-plans/{plan_id}/").status_code == 200
    assert api_client(world.outsider).get(f"/api/v1/visit-plans/{plan_id}/").status_code == 404
    assert api_client(world.inspector).get("/api/v1/visit-plans/").json()["count"] == 1
    bad = {**plan_body, "grouping": "area", "area_label": ""}
    assert api_client(world.principal).post("/api/v1/visit-plans/", bad, format="json").status_code == 400


@time_machine.travel(NOW, tick=False)
def test_the_cycle_refuses_what_its_rules_forbid(world):
    """One refusal per rule, each leaving nothing behind: appointments agreed in the future or
    after their time, appointments moved after the record, staff of another school, follow-ups
    and cases from an unrecorded visit, plans naming another school's class or bureau's year, a
    teacher attaching their visit to the school's plan."""
    planning, spare = _planned(world, 2)
    guardian = GuardianFactory.create(pupil=planning.pupil)
    when = timezone.now() - datetime.timedelta(hours=3)

    def appoint(**changes) -> HomeVisit:
        fields = {"scheduled_for": when, "method": HomeVisit.Method.PHONE, "guardian_id": guardian.pk}
        return services.visit_appoint(user=world.colleague, visit_id=planning.pk, **{**fields, **changes})

    for agreed_at in (timezone.now() + datetime.timedelta(hours=1), when + datetime.timedelta(minutes=5)):
        with pytest.raises(Invalid) as refused:
            appoint(agreed_at=agreed_at)
        assert "agreed_at" in refused.value.errors
    assert HomeVisit.objects.get(pk=planning.pk).scheduled_for is None

    # Nothing follows from, and no case is opened from, a visit not yet recorded.
    appoint()
    with pytest.raises(Conflict) as conflict:
        services.visit_follow_up(user=world.colleague, visit_id=planning.pk)
    assert conflict.value.code == "visit_not_recorded"
    with pytest.raises(Conflict) as conflict:
        services.visit_open_case(
            user=world.colleague, visit_id=planning.pk, categories=["academic"], summary="学习吃力"
        )
    assert conflict.value.code == "visit_not_recorded"
    assert not HomeVisit.objects.filter(follow_up_of=planning).exists() and not Case.objects.exists()

    # Once recorded, the appointment stays as it was.
    _record(world, planning)
    with pytest.raises(Conflict) as conflict:
        appoint(scheduled_for=when - datetime.timedelta(days=1))
    assert conflict.value.code == "visit_recorded"
    assert HomeVisit.objects.get(pk=planning.pk).scheduled_for == when

    # Participants come from the pupil's school; only planners attach visits to the school's plan.
    with pytest.raises(Invalid) as refused:
        services.visit_create(user=world.owner, pupil_id=spare.pupil_id, participant_ids=[world.outsider.pk])
    assert "participants" in refused.value.errors
    with pytest.raises(Forbidden):
        services.visit_create(user=world.owner, pupil_id=spare.pupil_id, plan_id=spare.plan_id)
    assert HomeVisit.objects.filter(pupil_id=spare.pupil_id).count() == 1

    # A plan names a class of its own school and a campaign year of its own bureau.
    other_bureau_year = Campaign.objects.create(
        bureau=BureauFactory.create(),
        year=2027,
        name="外市2027",
        starts_on=datetime.date(2027, 1, 1),
        ends_on=datetime.date(2027, 12, 31),
    )
    with pytest.raises(Invalid) as refused:
        services.visit_plan_create(
            user=world.principal,
            school_id=world.school.pk,
            title="错误的计划",
            grouping=VisitPlan.Grouping.CLASS,
            classroom_id=world.other_classroom.pk,
            campaign_id=other_bureau_year.pk,
            starts_on=datetime.date(2027, 1, 1),
            ends_on=datetime.date(2027, 2, 28),
        )
    assert {"classroom", "campaign"} <= set(refused.value.errors)
    assert VisitPlan.objects.count() == 1


@time_machine.travel(NOW, tick=False)
def test_an_appointment_before_2000_is_refused(world):
    """Schemathesis booked a visit for 0069-08-14: it was stored and sent back with Asia/Shanghai's
    local mean time offset (+08:05:43), which no RFC 3339 client reads. Such a date is a typo."""
    visit = _planned(world)[0]
    guardian = GuardianFactory.create(pupil=visit.pupil)
    client = api_client(world.colleague)
    url = f"/api/v1/visits/{visit.pk}/appointment/"
    body = {"scheduled_for": "2027-01-12T09:00:00+08:00", "method": "phone", "guardian": guardian.pk}
    for field, value in [
        ("scheduled_for", "0069-08-14T11:08:32Z"),
        ("scheduled_for", "1999-12-31T23:59:59+08:00"),
        ("agreed_at", "1900-06-01T08:00:00Z"),
    ]:
        response = client.post(url, {**body, field: value}, format="json")
        assert response.status_code == 400, response.json()
        assert response.json()["code"] == "invalid" and field in response.json()["errors"]
    assert HomeVisit.objects.get(pk=visit.pk).scheduled_for is None
    case = open_case(world.classroom, by=world.owner)
    response = api_client(world.owner).post(
        f"/api/v1/cases/{case.pk}/visits/", {"scheduled_for": "0069-08-14T11:08:32Z"}, format="json"
    )
    assert response.status_code == 400 and "scheduled_for" in response.json()["errors"]
    assert not case.visits.exists()
    # From 2000 on, the time comes back with a whole-minute offset.
    response = client.post(url, {**body, "scheduled_for": "2000-01-01T00:00:00Z"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["scheduled_for"] == "2000-01-01T08:00:00+08:00"
