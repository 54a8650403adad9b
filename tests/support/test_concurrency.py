"""Two disbursements approved at the same moment cannot both spend the same money or goods (PostgreSQL)."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connection

from core.errors import Conflict
from support import services
from support.models import EntryKind, GoodsItem, LedgerEntry, SchoolFund
from tests.builders import open_case
from tests.casework.helpers import add_staff
from tests.support.helpers import donate

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def test_concurrent_disbursements_never_overdraw(world):
    case = open_case(world.classroom, by=world.colleague)
    donate(world, "100")
    vice = add_staff("vice", world.school, "vice_principal")
    requests = [
        services.disbursement_request(
            user=world.custodian,
            school_id=world.school.pk,
            case_id=case.pk,
            purpose="学费",
            amount=Decimal("70"),
        )
        for _ in range(2)
    ]
    approvers = [world.principal, vice]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []
    lock = threading.Lock()

    def approve(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            services.disbursement_approve(
                user=approvers[index], school_id=world.school.pk, request_id=requests[index].pk
            )
            result = "ok"
        except Conflict:
            result = "conflict"
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=approve, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["conflict", "ok"]
    assert SchoolFund.objects.get(school=world.school).balance == Decimal("30.00")
    assert LedgerEntry.objects.filter(kind=EntryKind.DISBURSEMENT).count() == 1


def test_concurrent_reversals_of_one_entry_post_once(world):
    entry = donate(world, "100")
    outcomes: list[str] = []
    barrier = threading.Barrier(2)
    lock = threading.Lock()

    def reverse() -> None:
        try:
            barrier.wait(timeout=10)
            services.entry_reverse(
                user=world.custodian, school_id=world.school.pk, entry_id=entry.pk, reason="错"
            )
            result = "ok"
        except Conflict:
            result = "conflict"
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=reverse) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["conflict", "ok"]
    assert SchoolFund.objects.get(school=world.school).balance == Decimal("0.00")
    assert LedgerEntry.objects.filter(kind=EntryKind.REVERSAL).count() == 1


def test_concurrent_goods_disbursements_never_overdraw_the_stock(world):
    case = open_case(world.classroom, by=world.colleague)
    donate(world, "0", goods="冬衣", quantity=10)
    vice = add_staff("vice", world.school, "vice_principal")
    requests = [
        services.disbursement_request(
            user=world.custodian,
            school_id=world.school.pk,
            case_id=case.pk,
            purpose="冬季助学",
            goods="冬衣",
            quantity=7,
        )
        for _ in range(2)
    ]
    approvers = [world.principal, vice]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []
    lock = threading.Lock()

    def approve(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            services.disbursement_approve(
                user=approvers[index], school_id=world.school.pk, request_id=requests[index].pk
            )
            result = "ok"
        except Conflict:
            result = "conflict"
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=approve, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["conflict", "ok"]
    assert GoodsItem.objects.get(school=world.school).stock == 3
    assert LedgerEntry.objects.filter(kind=EntryKind.DISBURSEMENT).count() == 1
