"""GET /api/v1/support/entries/ for each persona."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from support.selectors import ANONYMOUS
from tests.api.helpers import api_client
from tests.builders import open_case
from tests.support.helpers import disburse, donate

pytestmark = pytest.mark.django_db

URL = "/api/v1/support/entries/"


def test_principal_lists_entries_with_masking(world, django_assert_max_num_queries):
    case = open_case(world.classroom, by=world.colleague)
    donate(world, "100", donor_name="钱老师", donor_anonymous=True)
    disburse(world, case, "30")
    client = api_client(world.principal)
    with django_assert_max_num_queries(15):
        response = client.get(URL)
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["kind"] for r in results] == ["disbursement", "donation"]
    assert results[0]["effect"] == "-30.00" and results[0]["recipient"] == case.pupil.name
    assert results[1]["donor"] == str(ANONYMOUS)


def test_custodian_sees_donor_but_not_the_pupil(world):
    case = open_case(world.classroom, by=world.colleague)
    donate(world, "100", donor_name="钱老师", donor_anonymous=True)
    disburse(world, case, "30")
    results = api_client(world.custodian).get(URL, {"school": world.school.pk}).json()["results"]
    assert results[1]["donor"] == "钱老师"
    assert results[0]["recipient"] == "—" and results[0]["case"] is None


def test_date_filters(world):
    today = timezone.localdate()
    donate(world, "5", occurred_on=today - datetime.timedelta(days=10))
    donate(world, "6")
    client = api_client(world.custodian)
    results = client.get(URL, {"since": today.isoformat()}).json()["results"]
    assert [r["amount"] for r in results] == ["6.00"]
    results = client.get(URL, {"until": (today - datetime.timedelta(days=1)).isoformat()}).json()["results"]
    assert [r["amount"] for r in results] == ["5.00"]


@pytest.mark.parametrize("persona", ["owner", "colleague", "outsider", "inspector", "counsellor"])
def test_others_get_404(world, persona):
    donate(world, "5")
    response = api_client(getattr(world, persona)).get(URL, {"school": world.school.pk})
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_bad_filter_is_400_and_post_is_405(world):
    client = api_client(world.custodian)
    response = client.get(URL, {"since": "not-a-date"})
    assert response.status_code == 400 and "since" in response.json()["errors"]
    assert client.post(URL, {}).status_code == 405


def test_unauthenticated_is_401(world):
    from rest_framework.test import APIClient

    assert APIClient().get(URL).status_code == 401
