"""Opinions received without a home visit (phone, letter, meeting, mailbox, in person)."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from core.errors import Forbidden, Invalid, NotFound
from opinions import access, services
from opinions.models import ParentOpinion
from schools.models import Membership
from tests.api.helpers import api_client
from tests.casework.helpers import add_staff
from tests.factories import PupilFactory

pytestmark = pytest.mark.django_db

RECEIVE = reverse("opinions:opinion_receive")
TEXT = "家长来电：希望学校门口早晚增派老师护导"


def receive(world, user, **kwargs) -> ParentOpinion:
    fields = {
        "school_id": world.school.pk,
        "channel": ParentOpinion.Channel.PHONE,
        "raised_on": timezone.localdate(),
        "about": ParentOpinion.About.SCHOOL,
        "text": TEXT,
    }
    fields.update(kwargs)
    return services.opinion_receive(user=user, **fields)


def test_who_may_record_and_who_then_sees_it(world):
    pupil = PupilFactory.create(classroom=world.classroom, student_number="2024001")
    # Teachers, school administrators and leaders record; the pupil is optional.
    general = receive(world, world.admin, channel=ParentOpinion.Channel.MAILBOX)
    assert (general.pupil_id, general.case_id, general.visit_id) == (None, None, None)
    about_pupil = receive(world, world.colleague, pupil_id=pupil.pk, channel=ParentOpinion.Channel.LETTER)
    about_owner = receive(
        world,
        world.principal,
        about=ParentOpinion.About.TEACHER,
        about_teacher_id=world.owner.pk,
        pupil_id=pupil.pk,
    )
    event = AuditEvent.objects.filter(action="opinion.received").latest("id")
    assert event.detail["channel"] == "phone" and TEXT not in str(event.detail)

    ids = [general.pk, about_pupil.pk, about_owner.pk]
    personas = (world.principal, world.inspector, world.admin, world.colleague, world.owner, world.counsellor)
    visible = {
        user: set(
            ParentOpinion.objects.filter(access.visible_q(user), pk__in=ids).values_list("pk", flat=True)
        )
        for user in (*personas, world.outsider)
    }
    everything = {general.pk, about_pupil.pk, about_owner.pk}
    assert visible[world.principal] == everything and visible[world.inspector] == everything
    assert visible[world.admin] == {general.pk}  # their own only
    assert visible[world.colleague] == {about_pupil.pk}
    # The pupil's class teacher sees opinions on their pupil, never one about themselves.
    assert visible[world.owner] == {about_pupil.pk}
    assert visible[world.counsellor] == visible[world.outsider] == set()

    # Refusals: other roles 403, the bureau's inspector 403 (read-only), other schools 404.
    for user in (world.counsellor, world.custodian, world.inspector):
        with pytest.raises(Forbidden):
            receive(world, user)
    with pytest.raises(NotFound):
        receive(world, world.outsider)
    # Bad input: a visit channel, a future date, another school's pupil, an empty text.
    other_pupil = PupilFactory.create(classroom=world.other_classroom)
    with pytest.raises(Invalid) as invalid:
        receive(
            world,
            world.owner,
            channel=ParentOpinion.Channel.VISIT,
            raised_on=timezone.localdate() + datetime.timedelta(days=1),
            pupil_id=other_pupil.pk,
            text="  ",
        )
    assert set(invalid.value.errors) == {"channel", "raised_on", "pupil", "text"}

    # The leaders move it along like any other opinion.
    done = services.opinion_transition(
        user=world.principal,
        opinion_id=general.pk,
        name="complete",
        data={"answer": "已增派护导老师", "answered_to_parents_on": timezone.localdate()},
    )
    assert done.state == ParentOpinion.State.DONE


def test_the_page(world):
    PupilFactory.create(classroom=world.classroom, student_number="2024001")
    client = Client()
    client.force_login(world.owner)
    response = client.get(RECEIVE)
    assert response.status_code == 200 and "channel" in response.context["form"].fields
    data = {
        "channel": "meeting",
        "raised_on": timezone.localdate().isoformat(),
        "about": "school",
        "pupil": "9999",
        "text": TEXT,
    }
    response = client.post(RECEIVE, data)
    assert response.status_code == 400 and "pupil" in response.context["form"].errors
    response = client.post(RECEIVE, {**data, "pupil": "2024001"})
    opinion = ParentOpinion.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "opinions:opinion_detail", args=[opinion.pk]
    )
    assert opinion.channel == "meeting" and opinion.pupil.student_number == "2024001"
    assert client.get(reverse("opinions:opinion_list")).context["can_receive"] is True
    html = client.get(reverse("opinions:opinion_list"), {"channel": "meeting"}).content.decode()
    assert 'data-channel="meeting"' in html
    assert client.put(RECEIVE).status_code == 405

    # A member of staff at two schools chooses the school first; nobody picks a school not theirs.
    Membership.objects.create(user=world.owner, school=world.other_school, role=Membership.Role.TEACHER)
    schools = client.get(RECEIVE).context["schools"]
    assert {school.pk for school in schools} == {world.school.pk, world.other_school.pk}
    assert client.get(RECEIVE, {"school": world.other_school.pk}).status_code == 200
    for user in (world.counsellor, world.custodian, world.inspector):
        client.force_login(user)
        assert client.get(RECEIVE).status_code == 404
        assert client.get(reverse("opinions:opinion_list")).context["can_receive"] is False
    client.force_login(world.colleague)
    assert client.get(RECEIVE, {"school": world.other_school.pk}).status_code == 404
    assert Client().get(RECEIVE).status_code == 302


def test_the_api(world):
    vice = add_staff("vice", world.school, Membership.Role.VICE_PRINCIPAL)
    body = {
        "school": world.school.pk,
        "channel": "in_person",
        "raised_on": timezone.localdate().isoformat(),
        "about": "department",
        "text": TEXT,
    }
    response = api_client(vice).post("/api/v1/opinions/", body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["channel"] == "in_person" and response.json()["pupil"] is None
    results = api_client(world.inspector).get("/api/v1/opinions/", {"channel": "in_person"}).json()["results"]
    assert [r["id"] for r in results] == [response.json()["id"]]
    for user, status in ((world.inspector, 403), (world.counsellor, 403), (world.outsider, 404)):
        answer = api_client(user).post("/api/v1/opinions/", body, format="json")
        assert answer.status_code == status and "code" in answer.json()
    answer = api_client(world.owner).post("/api/v1/opinions/", {**body, "channel": "visit"}, format="json")
    assert answer.status_code == 400 and "channel" in answer.json()["errors"]
    assert api_client(None).post("/api/v1/opinions/", body, format="json").status_code == 401


def test_a_long_opinion_is_refused_whole_never_cut(world):
    """Over MAX_TEXT characters: a clear error, the typed text kept on the page, nothing saved;
    the service refuses too (it used to cut the text silently)."""
    long_text = "家" * (services.MAX_TEXT + 1)
    client = Client()
    client.force_login(world.owner)
    data = {"channel": "phone", "raised_on": timezone.localdate().isoformat(), "about": "school"}
    response = client.post(RECEIVE, {**data, "text": long_text})
    assert response.status_code == 400 and "text" in response.context["form"].errors
    assert long_text in response.content.decode()
    with pytest.raises(Invalid) as refused:
        receive(world, world.owner, text=long_text)
    assert "text" in refused.value.errors
    assert not ParentOpinion.objects.exists()
    opinion = receive(world, world.owner)
    services.opinion_transition(opinion_id=opinion.pk, user=world.principal, name="study")
    with pytest.raises(Invalid) as refused:
        services.opinion_transition(
            opinion_id=opinion.pk, user=world.principal, name="plan_rectification", data={"plan": long_text}
        )
    assert "plan" in refused.value.errors
    opinion.refresh_from_db()
    assert opinion.state == ParentOpinion.State.UNDER_STUDY and opinion.plan == ""
