"""The bureau's inspectors read per-school ledger totals: sums only, never pupils or donors."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from schools.models import BureauMembership
from support import services
from tests.api.helpers import api_client
from tests.builders import open_case
from tests.casework.helpers import add_staff
from tests.factories import BureauFactory, SchoolFactory, UserFactory
from tests.support.helpers import correct, disburse, donate

pytestmark = pytest.mark.django_db

URL = reverse("support:city")
API = "/api/v1/support/totals/"


@time_machine.travel(datetime.datetime(2026, 3, 20, 10, tzinfo=datetime.UTC))
def test_inspector_reads_totals_without_names(world, django_assert_max_num_queries):
    case = open_case(world.classroom, by=world.colleague)
    today = timezone.localdate()
    donate(
        world,
        "500",
        donor_name="王老师",
        donor_is_staff=True,
        occurred_on=today - datetime.timedelta(days=40),
    )
    donate(world, "100", donor_name="钱先生", goods="冬衣", quantity=10, unit="件")
    disburse(world, case, "80")
    wrong = donate(world, "20", donor_name="赵女士")
    correct(world, wrong, "重复")
    request = services.disbursement_request(
        user=world.custodian,
        school_id=world.school.pk,
        case_id=case.pk,
        purpose="冬衣",
        goods="冬衣",
        quantity=4,
    )
    services.disbursement_approve(user=world.principal, school_id=world.school.pk, request_id=request.pk)

    client = Client()
    client.force_login(world.inspector)
    with django_assert_max_num_queries(12):
        response = client.get(URL, {"since": "2026-03-01", "until": "2026-03-31"})
    assert response.status_code == 200
    totals = {row.school_id: row for row in response.context["totals"]}
    ours = totals[world.school.pk]
    assert (ours.donations, ours.disbursements, ours.reversals, ours.closing) == (
        Decimal("120.00"),
        Decimal("80.00"),
        Decimal("-20.00"),
        Decimal("520.00"),
    )
    assert (ours.goods_received, ours.goods_given_out, ours.items_in_stock, ours.units_in_stock) == (
        10,
        4,
        1,
        6,
    )
    assert totals[world.other_school.pk].closing == Decimal("0.00")
    content = response.content.decode()
    for secret in (case.pupil.name, "王老师", "钱先生", "赵女士"):
        assert secret not in content
    # The default period is this month; more schools do not mean more queries.
    for code in ("C", "D", "E"):
        SchoolFactory.create(bureau=world.school.bureau, code=code)
    with django_assert_max_num_queries(12):
        assert client.get(URL).status_code == 200
    assert client.get(URL, {"since": "2026-04-01", "until": "2026-03-01"}).status_code == 400
    assert client.post(URL).status_code == 405
    assert client.get(reverse("support:index"))["Location"] == URL

    body = api_client(world.inspector).get(API, {"since": "2026-03-01", "until": "2026-03-31"}).json()
    row = next(r for r in body["results"] if r["school"] == world.school.pk)
    assert row["donations"] == "120.00" and row["closing"] == "520.00" and row["units_in_stock"] == 6
    assert case.pupil.name not in str(body) and "王老师" not in str(body)
    assert api_client(world.inspector).get(API, {"since": "x"}).status_code == 400


def test_only_the_bureaus_inspectors_see_totals(world):
    donate(world, "100")
    other_bureau = BureauFactory.create(code="other", name="长春市教育局")
    SchoolFactory.create(bureau=other_bureau, code="Z", name="长春市第一中学")
    stranger = UserFactory.create(username="stranger_inspector")
    BureauMembership.objects.create(user=stranger, bureau=other_bureau)
    client = Client()
    client.force_login(stranger)
    response = client.get(URL)
    assert response.status_code == 200
    assert [row.school_code for row in response.context["totals"]] == ["Z"]
    assert world.school.name not in response.content.decode()
    assert [r["code"] for r in api_client(stranger).get(API).json()["results"]] == ["Z"]

    vice = add_staff("vice", world.school, "vice_principal")
    for user in (world.principal, world.custodian, world.owner, world.outsider, vice):
        client = Client()
        client.force_login(user)
        assert client.get(URL).status_code == 404
        assert api_client(user).get(API).status_code == 404
    assert Client().get(URL).status_code == 302
    assert api_client(None).get(API).status_code == 401
