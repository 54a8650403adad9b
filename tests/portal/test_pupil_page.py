"""The pupil page: the pupil, the guardians and the cases the reader may see (portal)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from schools.models import Guardian
from tests.factories import GuardianFactory, PupilFactory


def test_pupil_page_shows_the_pupil_and_the_guardians(world, client: Client) -> None:
    pupil = PupilFactory.create(
        classroom=world.classroom, name="赵子涵", home_address="铁西区英雄街道", left_behind=True
    )
    GuardianFactory.create(
        pupil=pupil,
        name="赵桂芝",
        relation=Guardian.Relation.GRANDMOTHER,
        phone="13912345678",
        lives_with_pupil=True,
    )
    GuardianFactory.create(
        pupil=pupil,
        position=2,
        name="赵建国",
        relation=Guardian.Relation.FATHER,
        phone="15012345678",
        lives_with_pupil=False,
        works_away=True,
    )

    client.force_login(world.colleague)
    response = client.get(reverse("portal:pupil_detail", args=[pupil.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    for text in (
        "赵子涵",
        "铁西区英雄街道",
        "赵桂芝",
        "赵建国",
        'href="tel:13912345678"',
        'href="tel:15012345678"',
    ):
        assert text in html
    assert [g.name for g in response.context["guardians"]] == ["赵桂芝", "赵建国"]


def test_pupil_page_is_a_404_for_another_schools_pupil(world, client: Client) -> None:
    pupil = PupilFactory.create(classroom=world.classroom)
    url = reverse("portal:pupil_detail", args=[pupil.pk])

    client.force_login(world.outsider)
    assert client.get(url).status_code == 404
    client.force_login(world.inspector)
    assert client.get(url).status_code == 200
    client.force_login(world.owner)
    assert client.post(url).status_code == 405


@pytest.mark.django_db
def test_pupil_page_needs_a_login(client: Client) -> None:
    assert client.get(reverse("portal:pupil_detail", args=[1])).status_code == 302
