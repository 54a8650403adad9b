"""Goods stock per school: identity of items, the stock the database keeps ≥ 0, the page and API."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from audit.models import AuditEvent
from core.errors import Conflict, Invalid
from support import services
from support.models import GoodsItem, LedgerEntry, goods_key
from tests.api.helpers import api_client
from tests.builders import open_case
from tests.support.helpers import correct, donate

pytestmark = pytest.mark.django_db


def give(world, case, goods: str, quantity: int):
    request = services.disbursement_request(
        user=world.custodian,
        school_id=world.school.pk,
        case_id=case.pk,
        purpose="冬季助学",
        goods=goods,
        quantity=quantity,
    )
    return request, services.disbursement_approve(
        user=world.principal, school_id=world.school.pk, request_id=request.pk
    )


@pytest.mark.smoke
def test_goods_key_normalises_spacing_width_and_case():
    assert goods_key(" 冬衣 ") == goods_key("冬衣") == "冬衣"
    assert goods_key("Ａ４ 纸") == goods_key("a4  纸")
    assert goods_key("冬衣") != goods_key("棉衣")


def test_stock_moves_with_donations_disbursements_and_reversals(world):
    case = open_case(world.classroom, by=world.colleague)
    first = donate(world, "0", goods="冬衣", quantity=20, unit="件")
    donate(world, "0", goods=" 冬衣", quantity=5)  # the same item, spelled with a space
    donate(world, "50", goods="书包", quantity=3)
    item = GoodsItem.objects.get(school=world.school, key="冬衣")
    assert (item.name, item.unit, item.stock) == ("冬衣", "件", 25)
    assert first.item_id == item.pk and GoodsItem.objects.filter(school=world.school).count() == 2

    # Asking for more than the stock is refused at once; the wrong unit and unknown goods too.
    with pytest.raises(Conflict):
        give(world, case, "冬衣", 26)
    with pytest.raises(Invalid) as unknown:
        give(world, case, "棉鞋", 1)
    assert "goods" in unknown.value.errors
    with pytest.raises(Invalid) as unit:
        donate(world, "0", goods="冬衣", quantity=1, unit="箱")
    assert "unit" in unit.value.errors

    _request, out = give(world, case, "冬衣", 22)
    item.refresh_from_db()
    assert item.stock == 3 and out.item_id == item.pk
    event = AuditEvent.objects.filter(action="support.disbursement_approve").latest("id")
    assert event.detail["stock"] == {"old": 25, "new": 3}

    # Received goods already given out cannot be taken back by a correction: stock would be < 0.
    with pytest.raises(Conflict):
        correct(world, first, "错")
    # Correcting the disbursement brings the goods back.
    correct(world, out, "未发放")
    item.refresh_from_db()
    assert item.stock == 25

    # A second request approved after the first emptied the stock is refused at approval.
    pending = services.disbursement_request(
        user=world.custodian,
        school_id=world.school.pk,
        case_id=case.pk,
        purpose="助学",
        goods="冬衣",
        quantity=20,
    )
    give(world, case, "冬衣", 10)
    with pytest.raises(Conflict):
        services.disbursement_approve(user=world.principal, school_id=world.school.pk, request_id=pending.pk)
    item.refresh_from_db()
    assert item.stock == 15
    assert LedgerEntry.objects.filter(request=pending).count() == 0


def test_database_refuses_negative_stock_and_goods_without_item(world):
    donate(world, "0", goods="冬衣", quantity=2)
    item = GoodsItem.objects.get(school=world.school)
    with pytest.raises(IntegrityError), transaction.atomic():
        GoodsItem.objects.filter(pk=item.pk).update(stock=-1)
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerEntry.objects.create(
            school=world.school,
            kind="donation",
            goods="棉鞋",
            quantity=1,
            occurred_on=item.entries.get().occurred_on,
            donor_name="张三",
            recorded_by=world.custodian,
        )


def test_stock_page_api_and_forms(world, django_assert_max_num_queries):
    case = open_case(world.classroom, by=world.colleague)
    donate(world, "0", goods="冬衣", quantity=20, unit="件")
    entry = donate(world, "0", goods="书包", quantity=4)
    correct(world, entry, "重复")
    donate(world, "0", goods="书包", quantity=6)
    give(world, case, "冬衣", 8)
    url = reverse("support:stock", kwargs={"school_id": world.school.pk})
    for user in (world.custodian, world.principal):
        client = Client()
        client.force_login(user)
        with django_assert_max_num_queries(12):
            response = client.get(url)
        assert response.status_code == 200
        rows = {row.item.name: row for row in response.context["rows"]}
        assert (rows["冬衣"].received, rows["冬衣"].given_out, rows["冬衣"].in_stock) == (20, 8, 12)
        assert (rows["书包"].received, rows["书包"].reversed, rows["书包"].in_stock) == (10, -4, 6)
        assert all(row.reconciles for row in rows.values())
    assert client.post(url).status_code == 405
    # More items do not mean more queries.
    for name in ("铅笔", "字典", "雨伞"):
        donate(world, "0", goods=name, quantity=1)
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200

    # The disbursement form offers only goods in stock, with the count.
    client = Client()
    client.force_login(world.custodian)
    form = client.get(reverse("support:disbursement_new", kwargs={"school_id": world.school.pk})).context[
        "form"
    ]
    labels = dict(form.fields["goods"].choices)
    assert labels["冬衣"] == "冬衣 (12件)" and "棉鞋" not in labels
    response = client.post(
        reverse("support:disbursement_new", kwargs={"school_id": world.school.pk}),
        {"case": case.pk, "goods": "冬衣", "quantity": 13, "purpose": "助学"},
    )
    assert response.status_code == 409
    response = client.post(
        reverse("support:donation_new", kwargs={"school_id": world.school.pk}),
        {
            "occurred_on": entry.occurred_on.isoformat(),
            "donor_name": "李四",
            "goods": "冬衣",
            "quantity": 1,
            "unit": "箱",
        },
    )
    assert response.status_code == 400 and "unit" in response.context["form"].errors

    results = api_client(world.principal).get("/api/v1/support/stock/").json()["results"]
    assert {r["name"]: r["in_stock"] for r in results}["冬衣"] == 12
    for persona in ("owner", "outsider", "inspector", "counsellor"):
        answer = api_client(getattr(world, persona)).get(
            "/api/v1/support/stock/", {"school": world.school.pk}
        )
        assert answer.status_code == 404
    assert api_client(None).get("/api/v1/support/stock/").status_code == 401
