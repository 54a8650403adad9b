"""The appointment form is the same on a case's page and on a visit's page: for when, how, with
whom and when it was agreed, each with its own label; the visit then names who agreed."""

from __future__ import annotations

import re

from django.test import Client
from django.urls import reverse
from django.utils import translation

from casework.forms import AppointmentForm, VisitScheduleForm
from casework.models import HomeVisit
from tests.builders import open_case, schedule_visit
from tests.factories import GuardianFactory

FIELDS = ["scheduled_for", "method", "guardian", "with_name", "agreed_at", "note"]


def field_names(html: str) -> list[str]:
    form = html[html.index('<form method="post" class="case-form"') :]
    form = form[: form.index("</form>")]
    names = re.findall(r'name="([a-z_]+)"', form)
    return [name for name in dict.fromkeys(names) if name != "csrfmiddlewaretoken"]


def test_both_routes_show_the_same_appointment_fields(world, client: Client) -> None:
    case = open_case(world.classroom, by=world.owner)
    visit = schedule_visit(case, by=world.owner)
    client.force_login(world.owner)
    on_case = client.get(reverse("casework:visit_schedule", args=[case.pk])).content.decode()
    on_visit = client.get(reverse("visits:visit_appointment", args=[visit.pk])).content.decode()
    assert field_names(on_case) == ["kind", *FIELDS]
    assert field_names(on_visit) == FIELDS


def test_no_two_fields_share_a_label() -> None:
    for language in ("zh-hans", "en"):
        with translation.override(language):
            for form in (AppointmentForm, VisitScheduleForm):
                labels = [str(field.label) for field in form.base_fields.values()]
                assert len(labels) == len(set(labels)), (language, labels)


def test_the_case_page_asks_who_agreed_and_the_visit_names_them(world, client: Client) -> None:
    case = open_case(world.classroom, by=world.owner)
    mother = GuardianFactory.create(pupil=case.pupil, name="王秀兰")
    client.force_login(world.owner)
    url = reverse("casework:visit_schedule", args=[case.pk])
    data = {"kind": "general", "scheduled_for": "2025-03-01T18:30", "method": "phone", "note": "晚饭后"}
    response = client.post(url, data)
    assert response.status_code in (200, 400)
    assert "with_name" in response.context["form"].errors
    assert not HomeVisit.objects.exists()

    response = client.post(url, {**data, "guardian": mother.pk})
    assert response.status_code == 302
    visit = HomeVisit.objects.get(case=case)
    assert (visit.appointment_with, visit.appointment_method, visit.appointment_note) == (
        "王秀兰",
        "phone",
        "晚饭后",
    )
    html = client.get(reverse("visits:visit_detail", args=[visit.pk])).content.decode()
    assert "王秀兰" in html


def test_the_guardian_must_be_the_pupils(world, client: Client) -> None:
    case = open_case(world.classroom, by=world.owner)
    other = open_case(world.classroom, by=world.owner)
    stranger = GuardianFactory.create(pupil=other.pupil, name="外人")
    client.force_login(world.owner)
    response = client.post(
        reverse("casework:visit_schedule", args=[case.pk]),
        {"kind": "general", "scheduled_for": "2025-03-01T18:30", "method": "phone", "guardian": stranger.pk},
    )
    assert response.status_code in (200, 400)
    assert "guardian" in response.context["form"].errors
    assert not HomeVisit.objects.exists()
