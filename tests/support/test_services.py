"""The ledger's rules: balance never negative, append-only entries, reversals, four eyes."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.models import AuditEvent
from core.errors import Conflict, Forbidden, Invalid, NotFound
from support import services
from support.models import DisbursementRequest, EntryKind, LedgerEntry, SchoolFund
from support.selectors import reconciliation
from tests.builders import open_case
from tests.support.helpers import correct, disburse, donate

pytestmark = pytest.mark.django_db


def balance(world) -> Decimal:
    return SchoolFund.objects.get(school=world.school).balance


@pytest.mark.smoke
def test_donation_raises_the_balance_and_is_audited(world):
    entry = donate(world, "120.50")
    assert entry.kind == EntryKind.DONATION
    assert balance(world) == Decimal("120.50")
    event = AuditEvent.objects.get(action="support.donation")
    assert event.school_id == world.school.pk
    assert event.detail["balance"] == {"old": "0.00", "new": "120.50"}


def test_only_the_custodian_records_donations(world):
    with pytest.raises(Forbidden):
        donate(world, user=world.principal)
    with pytest.raises(NotFound):
        donate(world, user=world.colleague)
    with pytest.raises(NotFound):
        donate(world, user=world.outsider)
    assert not LedgerEntry.objects.exists()


def test_bad_donation_input_writes_nothing(world):
    with pytest.raises(Invalid) as exc:
        donate(world, "0", goods="")
    assert "amount" in exc.value.errors
    with pytest.raises(Invalid) as exc:
        donate(world, "10", donor_name=" ")
    assert "donor_name" in exc.value.errors
    with pytest.raises(Invalid) as exc:
        donate(world, "10", occurred_on=timezone.localdate() + datetime.timedelta(days=2))
    assert "occurred_on" in exc.value.errors
    with pytest.raises(Invalid) as exc:
        donate(world, "0", goods="冬衣")
    assert "quantity" in exc.value.errors
    assert not LedgerEntry.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="support.").exists()


def test_goods_donation_carries_no_money(world):
    entry = donate(world, "0", goods="冬衣", quantity=20)
    assert entry.amount == 0 and entry.goods == "冬衣"
    assert balance(world) == 0


@pytest.mark.smoke
def test_four_eyes_principal_approves_custodians_request(world):
    case = open_case(world.classroom, by=world.colleague)
    donate(world, "100")
    request = services.disbursement_request(
        user=world.custodian, school_id=world.school.pk, case_id=case.pk, purpose="学费", amount=Decimal("30")
    )
    assert balance(world) == Decimal("100.00")  # nothing moves before the sign-off
    with pytest.raises(Forbidden):
        services.disbursement_approve(user=world.custodian, school_id=world.school.pk, request_id=request.pk)
    with pytest.raises(NotFound):
        services.disbursement_approve(user=world.owner, school_id=world.school.pk, request_id=request.pk)
    entry = services.disbursement_approve(
        user=world.principal, school_id=world.school.pk, request_id=request.pk
    )
    assert (entry.kind, entry.amount, entry.case_id) == (EntryKind.DISBURSEMENT, Decimal("30.00"), case.pk)
    assert (entry.recorded_by, entry.approved_by) == (world.custodian, world.principal)
    assert balance(world) == Decimal("70.00")
    request.refresh_from_db()
    assert request.state == DisbursementRequest.State.APPROVED
    with pytest.raises(Conflict):
        services.disbursement_approve(user=world.principal, school_id=world.school.pk, request_id=request.pk)
    assert balance(world) == Decimal("70.00")
    event = AuditEvent.objects.get(action="support.disbursement_approve")
    assert event.case_id == case.pk
    assert case.pupil.name not in str(event.detail)


def test_a_principal_who_is_also_custodian_cannot_approve_own_request(world):
    from tests.factories import MembershipFactory

    MembershipFactory.create(user=world.principal, school=world.school, role="custodian")
    case = open_case(world.classroom, by=world.colleague)
    donate(world, "100", user=world.principal)
    request = services.disbursement_request(
        user=world.principal, school_id=world.school.pk, case_id=case.pk, purpose="学费", amount=Decimal("30")
    )
    with pytest.raises(Forbidden):
        services.disbursement_approve(user=world.principal, school_id=world.school.pk, request_id=request.pk)
    assert balance(world) == Decimal("100.00")


def test_the_database_refuses_a_self_approved_disbursement(world):
    case = open_case(world.classroom, by=world.colleague)
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerEntry.objects.create(
            school=world.school,
            kind=EntryKind.DISBURSEMENT,
            amount=Decimal("1"),
            occurred_on=timezone.localdate(),
            case=case,
            recorded_by=world.custodian,
            approved_by=world.custodian,
        )


def test_reject_moves_nothing(world):
    case = open_case(world.classroom, by=world.colleague)
    donate(world, "50")
    request = services.disbursement_request(
        user=world.custodian, school_id=world.school.pk, case_id=case.pk, purpose="学费", amount=Decimal("30")
    )
    services.disbursement_reject(
        user=world.principal, school_id=world.school.pk, request_id=request.pk, note="重复"
    )
    request.refresh_from_db()
    assert request.state == DisbursementRequest.State.REJECTED
    assert balance(world) == Decimal("50.00")
    assert not LedgerEntry.objects.filter(kind=EntryKind.DISBURSEMENT).exists()


def test_disbursement_beyond_the_balance_is_refused(world):
    case = open_case(world.classroom, by=world.colleague)
    donate(world, "50")
    with pytest.raises(Conflict):
        services.disbursement_request(
            user=world.custodian,
            school_id=world.school.pk,
            case_id=case.pk,
            purpose="学费",
            amount=Decimal("60"),
        )
    # Two requests that each fit, but not together: the second approval is refused.
    first = services.disbursement_request(
        user=world.custodian, school_id=world.school.pk, case_id=case.pk, purpose="学费", amount=Decimal("30")
    )
    second = services.disbursement_request(
        user=world.custodian, school_id=world.school.pk, case_id=case.pk, purpose="书费", amount=Decimal("30")
    )
    services.disbursement_approve(user=world.principal, school_id=world.school.pk, request_id=first.pk)
    with pytest.raises(Conflict):
        services.disbursement_approve(user=world.principal, school_id=world.school.pk, request_id=second.pk)
    second.refresh_from_db()
    assert second.state == DisbursementRequest.State.PENDING
    assert balance(world) == Decimal("20.00")
    assert LedgerEntry.objects.filter(kind=EntryKind.DISBURSEMENT).count() == 1


def test_disbursement_to_a_case_of_another_school_is_refused(world):
    other_case = open_case(world.other_classroom, by=world.outsider)
    donate(world, "50")
    with pytest.raises(Invalid) as exc:
        services.disbursement_request(
            user=world.custodian,
            school_id=world.school.pk,
            case_id=other_case.pk,
            purpose="学费",
            amount=Decimal("10"),
        )
    assert "case" in exc.value.errors


@pytest.mark.smoke
def test_the_database_refuses_a_negative_balance(world):
    donate(world, "10")
    with pytest.raises(IntegrityError), transaction.atomic():
        SchoolFund.objects.filter(school=world.school).update(balance=Decimal("-0.01"))
    assert balance(world) == Decimal("10.00")


@pytest.mark.smoke
def test_the_database_refuses_update_and_delete_of_entries(world):
    entry = donate(world, "10")
    with pytest.raises(IntegrityError, match="append-only: UPDATE refused"), transaction.atomic():
        LedgerEntry.objects.filter(pk=entry.pk).update(amount=Decimal("99"))
    with pytest.raises(IntegrityError, match="append-only: DELETE refused"), transaction.atomic():
        LedgerEntry.objects.filter(pk=entry.pk).delete()
    assert LedgerEntry.objects.get(pk=entry.pk).amount == Decimal("10.00")


@pytest.mark.smoke
def test_a_correction_leaves_the_original_in_place(world):
    entry = donate(world, "80", donor_name="李四")
    reversal = correct(world, entry, "录错金额")
    original = LedgerEntry.objects.get(pk=entry.pk)
    assert (original.kind, original.amount, original.donor_name) == (
        EntryKind.DONATION,
        Decimal("80.00"),
        "李四",
    )
    assert reversal.reverses_id == entry.pk and reversal.amount == Decimal("80.00")
    assert balance(world) == Decimal("0.00")
    assert LedgerEntry.objects.count() == 2
    with pytest.raises(Conflict):
        correct(world, entry, "again")
    with pytest.raises(Conflict):
        correct(world, reversal, "x")
    assert AuditEvent.objects.get(action="support.reversal_approve").detail["reverses"] == entry.pk


def test_reversal_needs_a_reason_and_the_custodian(world):
    entry = donate(world, "80")
    with pytest.raises(Invalid):
        correct(world, entry, " ")
    with pytest.raises(Forbidden):
        services.reversal_request(
            user=world.principal, school_id=world.school.pk, entry_id=entry.pk, reason="x"
        )
    assert LedgerEntry.objects.count() == 1


def test_reversing_a_donation_already_spent_is_refused(world):
    case = open_case(world.classroom, by=world.colleague)
    entry = donate(world, "50")
    disburse(world, case, "40")
    with pytest.raises(Conflict):
        correct(world, entry, "错")
    assert balance(world) == Decimal("10.00")
    assert not LedgerEntry.objects.filter(kind=EntryKind.REVERSAL).exists()


def test_reversing_a_disbursement_restores_the_money(world):
    case = open_case(world.classroom, by=world.colleague)
    donate(world, "50")
    paid = disburse(world, case, "40")
    correct(world, paid, "退回")
    assert balance(world) == Decimal("50.00")


def test_reconciliation_sums(world):
    case = open_case(world.classroom, by=world.colleague)
    today = timezone.localdate()
    old = donate(world, "200", occurred_on=today - datetime.timedelta(days=40))
    donate(world, "100")
    wrong = donate(world, "30")
    paid = disburse(world, case, "50")
    correct(world, wrong, "重复")
    correct(world, paid, "退回")
    disburse(world, case, "20")
    summary = reconciliation(school=world.school, since=today - datetime.timedelta(days=7), until=today)
    assert summary.opening == Decimal("200.00")
    assert summary.donations == Decimal("130.00")
    assert summary.disbursements == Decimal("70.00")
    assert summary.reversals == Decimal("20.00")  # −30 (donation) + 50 (disbursement)
    assert summary.closing == Decimal("280.00") == balance(world)
    assert summary.reconciles
    assert old.pk
