"""Two disbursements approved at the same moment cannot both spend the same money or goods (PostgreSQL)."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connection

from core.errors import Conflict
from support import services
from support.models import EntryKind, GoodsItem, LedgerEntry, ReversalRequest, SchoolFund
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


def _race(*calls) -> list[str]:
    """Run the calls at the same moment, each in its own thread and connection: "ok" or "conflict"."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(call) -> None:
        try:
            barrier.wait(timeout=10)
            call()
            result = "ok"
        except Conflict:
            result = "conflict"
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return sorted(outcomes)


def test_concurrent_requests_to_correct_one_entry_leave_one_waiting(world):
    entry = donate(world, "100")

    def ask() -> None:
        services.reversal_request(
            user=world.custodian, school_id=world.school.pk, entry_id=entry.pk, reason="错"
        )

    assert _race(ask, ask) == ["conflict", "ok"]
    assert ReversalRequest.objects.filter(entry=entry, state="pending").count() == 1
    assert SchoolFund.objects.get(school=world.school).balance == Decimal("100.00")


def test_concurrent_approvals_of_one_correction_post_once(world):
    entry = donate(world, "100")
    request = services.reversal_request(
        user=world.custodian, school_id=world.school.pk, entry_id=entry.pk, reason="错"
    )
    vice = add_staff("vice", world.school, "vice_principal")

    def approve(user):
        return lambda: services.reversal_approve(user=user, school_id=world.school.pk, request_id=request.pk)

    assert _race(approve(world.principal), approve(vice)) == ["conflict", "ok"]
    assert SchoolFund.objects.get(school=world.school).balance == Decimal("0.00")
    assert LedgerEntry.objects.filter(kind=EntryKind.REVERSAL).count() == 1
    assert ReversalRequest.objects.get(pk=request.pk).state == "approved"


def test_a_correction_and_a_disbursement_approved_at_once_never_overdraw(world):
    case = open_case(world.classroom, by=world.colleague)
    entry = donate(world, "100")
    correction = services.reversal_request(
        user=world.custodian, school_id=world.school.pk, entry_id=entry.pk, reason="错"
    )
    payout = services.disbursement_request(
        user=world.custodian, school_id=world.school.pk, case_id=case.pk, purpose="学费", amount=Decimal("70")
    )
    vice = add_staff("vice", world.school, "vice_principal")

    def reverse() -> None:
        services.reversal_approve(user=world.principal, school_id=world.school.pk, request_id=correction.pk)

    def pay() -> None:
        services.disbursement_approve(user=vice, school_id=world.school.pk, request_id=payout.pk)

    assert _race(reverse, pay) == ["conflict", "ok"]
    balance = SchoolFund.objects.get(school=world.school).balance
    assert balance in (Decimal("0.00"), Decimal("30.00"))  # whichever won; never below zero
    moved = LedgerEntry.objects.filter(kind__in=[EntryKind.REVERSAL, EntryKind.DISBURSEMENT]).count()
    assert moved == 1


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
