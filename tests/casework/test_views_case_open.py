"""Opening a case from the pupil page (/cases/new/?pupil=<id>)."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from audit.models import AuditEvent
from casework.models import Case
from tests.builders import open_case
from tests.casework.view_support import page
from tests.factories import PupilFactory

OPEN_URL = reverse("casework:case_open")


def open_url(pupil_id: int | str) -> str:
    return f"{OPEN_URL}?pupil={pupil_id}"


@pytest.mark.smoke
def test_a_teacher_opens_a_case_from_the_pupil_page(world, client: Client) -> None:
    pupil = PupilFactory.create(classroom=world.classroom, name="赵子涵")
    html = page(client, world.colleague, reverse("portal:pupil_detail", args=[pupil.pk]))
    assert f'href="{open_url(pupil.pk)}"' in html

    html = page(client, world.colleague, open_url(pupil.pk))
    assert "赵子涵" in html
    assert 'type="checkbox"' in html

    response = client.post(
        open_url(pupil.pk),
        {
            "categories": ["poverty", "special_group"],
            "summary": "父母在外务工，由奶奶照顾",
            "risk_level": "high",
        },
        follow=True,
    )
    case = Case.objects.get()
    assert response.redirect_chain == [(reverse("casework:case_detail", args=[case.pk]), 302)]
    assert (case.pupil, case.owner, case.risk_level) == (pupil, world.colleague, "high")
    assert case.category_codes == ["poverty", "special_group"]
    assert 'data-state="identified"' in response.content.decode()
    assert [str(m) for m in response.context["messages"]]  # a success message
    event = AuditEvent.objects.get(action="case.open")
    assert event.ip == "127.0.0.1"  # the request's context reached the service


def test_the_pupil_page_lists_the_pupils_cases_that_the_user_may_see(world, client: Client) -> None:
    case = open_case(world.classroom, by=world.owner)
    url = reverse("portal:pupil_detail", args=[case.pupil_id])
    detail = reverse("casework:case_detail", args=[case.pk])
    assert f'href="{detail}"' in page(client, world.owner, url)
    assert f'href="{detail}"' in page(client, world.inspector, url)
    colleague_view = page(client, world.colleague, url)
    assert f'href="{detail}"' not in colleague_view  # staff of the school, but not on this case
    assert f'href="{open_url(case.pupil_id)}"' in colleague_view
    # Inspectors read the roster but open no case.
    assert f'href="{open_url(case.pupil_id)}"' not in page(client, world.inspector, url)


def test_a_pupil_of_another_school_or_no_pupil_is_a_404(world, client: Client) -> None:
    pupil = PupilFactory.create(classroom=world.classroom)
    client.force_login(world.outsider)
    assert client.get(open_url(pupil.pk)).status_code == 404
    assert client.post(open_url(pupil.pk), {"categories": ["poverty"], "summary": "x"}).status_code == 404
    client.force_login(world.owner)
    for bad in ("", "abc", "999999"):
        assert client.get(open_url(bad)).status_code == 404
    assert client.get(OPEN_URL).status_code == 404
    assert Case.objects.count() == 0


def test_inspectors_may_not_open_a_case(world, client: Client) -> None:
    pupil = PupilFactory.create(classroom=world.classroom)
    client.force_login(world.inspector)
    assert client.get(open_url(pupil.pk)).status_code == 403
    response = client.post(
        open_url(pupil.pk), {"categories": ["poverty"], "summary": "x", "risk_level": "low"}
    )
    assert response.status_code == 403
    assert 'data-page="forbidden"' in response.content.decode()
    assert Case.objects.count() == 0


def test_bad_input_shows_the_errors_and_keeps_what_was_typed(world, client: Client) -> None:
    pupil = PupilFactory.create(classroom=world.classroom)
    client.force_login(world.owner)
    response = client.post(
        open_url(pupil.pk), {"categories": [], "summary": "家里没有书桌，作业常常不交", "risk_level": "high"}
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"categories"}
    html = response.content.decode()
    assert "家里没有书桌，作业常常不交" in html
    assert re.search(r'<input[^>]*value="high"[^>]*checked', html)
    assert Case.objects.count() == 0

    response = client.post(open_url(pupil.pk), {"categories": ["nonsense"], "summary": "", "risk_level": "x"})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"categories", "summary", "risk_level"}
    assert Case.objects.count() == 0


def test_only_get_and_post(world, client: Client) -> None:
    pupil = PupilFactory.create(classroom=world.classroom)
    client.force_login(world.owner)
    assert client.put(open_url(pupil.pk)).status_code == 405
    assert client.delete(open_url(pupil.pk)).status_code == 405
