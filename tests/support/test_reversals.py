"""Corrections (reversals) need a second person, like disbursements: the custodian asks, a
principal or vice principal who did not ask approves, and only then does the money move."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from core.errors import Conflict, Forbidden, Invalid, NotFound
from schools.models import Membership
from support import services
from support.models import EntryKind, GoodsItem, LedgerEntry, ReversalRequest, SchoolFund
from support.selectors import entry_rows
from tests.builders import open_case
from tests.casework.helpers import add_staff
from tests.support.helpers import correct, disburse, donate


def balance(world) -> Decimal:
    return SchoolFund.objects.get(school=world.school).balance


def ask(world, entry: LedgerEntry, reason: str = "录错金额", user=None) -> ReversalRequest:
    return services.reversal_request(
        user=user or world.custodian, school_id=world.school.pk, entry_id=entry.pk, reason=reason
    )


@pytest.mark.smoke
def test_a_correction_waits_for_the_second_person(world):
    entry = donate(world, "100")
    request = ask(world, entry)

    assert (request.state, request.requested_by, request.reversal) == ("pending", world.custodian, None)
    assert balance(world) == Decimal("100.00")  # nothing moves yet
    assert not LedgerEntry.objects.filter(kind=EntryKind.REVERSAL).exists()
    asked = AuditEvent.objects.get(action="support.reversal_request")
    assert (asked.actor, asked.school_id) == (world.custodian, world.school.pk)
    assert asked.detail == {"entry": entry.pk, "kind": "donation", "amount": "100.00", "reason": "录错金额"}
    (row,) = entry_rows(user=world.custodian, roles=frozenset({"custodian"}), entries=[entry])
    assert (row.reversed, row.reversal_pending) == (False, True)

    reversal = services.reversal_approve(
        user=world.principal, school_id=world.school.pk, request_id=request.pk
    )

    assert balance(world) == Decimal("0.00")
    assert (reversal.kind, reversal.reverses_id, reversal.reason) == (
        EntryKind.REVERSAL,
        entry.pk,
        "录错金额",
    )
    assert (reversal.recorded_by, reversal.approved_by) == (world.custodian, world.principal)
    request.refresh_from_db()
    assert (request.state, request.decided_by, request.reversal) == ("approved", world.principal, reversal)
    approved = AuditEvent.objects.get(action="support.reversal_approve")
    assert approved.actor == world.principal
    assert approved.detail["request"] == request.pk
    assert approved.detail["requested_by"] == world.custodian.pk
    assert approved.detail["balance"] == {"old": "100.00", "new": "0.00"}
    (row,) = entry_rows(user=world.custodian, roles=frozenset({"custodian"}), entries=[entry])
    assert (row.reversed, row.reversal_pending) == (True, False)


def test_nobody_approves_their_own_correction(world):
    # A custodian who is also the vice principal: asks as custodian, cannot also sign.
    both = add_staff("both", world.school, Membership.Role.CUSTODIAN)
    Membership.objects.create(user=both, school=world.school, role=Membership.Role.VICE_PRINCIPAL)
    entry = donate(world, "100")
    request = ask(world, entry, user=both)
    for decide in (services.reversal_approve, services.reversal_reject):
        with pytest.raises(Forbidden) as error:
            decide(user=both, school_id=world.school.pk, request_id=request.pk)
        assert error.value.code == "four_eyes"
    assert balance(world) == Decimal("100.00")
    services.reversal_approve(user=world.principal, school_id=world.school.pk, request_id=request.pk)
    assert balance(world) == Decimal("0.00")


def test_only_the_schools_leaders_decide(world):
    entry = donate(world, "100")
    request = ask(world, entry)
    with pytest.raises(Forbidden):
        services.reversal_approve(user=world.custodian, school_id=world.school.pk, request_id=request.pk)
    for outsider in (world.owner, world.counsellor, world.inspector, world.outsider):
        with pytest.raises(NotFound):
            services.reversal_approve(user=outsider, school_id=world.school.pk, request_id=request.pk)
    other_principal = add_staff("other_principal", world.other_school, Membership.Role.PRINCIPAL)
    with pytest.raises(NotFound):
        services.reversal_approve(user=other_principal, school_id=world.school.pk, request_id=request.pk)
    with pytest.raises(NotFound):  # on their own ledger, the other school's request does not exist
        services.reversal_approve(
            user=other_principal, school_id=world.other_school.pk, request_id=request.pk
        )
    assert balance(world) == Decimal("100.00")


def test_one_correction_waits_at_a_time_and_a_rejected_one_can_be_asked_again(world):
    entry = donate(world, "100")
    first = ask(world, entry)
    with pytest.raises(Conflict):
        ask(world, entry, "再来一次")
    rejected = services.reversal_reject(
        user=world.principal, school_id=world.school.pk, request_id=first.pk, note="金额无误"
    )
    assert (rejected.state, rejected.decision_note, rejected.decided_by) == (
        "rejected",
        "金额无误",
        world.principal,
    )
    assert balance(world) == Decimal("100.00")
    assert AuditEvent.objects.get(action="support.reversal_reject").detail["note"] == "金额无误"
    with pytest.raises(Conflict):  # decided
        services.reversal_approve(user=world.principal, school_id=world.school.pk, request_id=first.pk)
    second = ask(world, entry, "确实录错")
    services.reversal_approve(user=world.principal, school_id=world.school.pk, request_id=second.pk)
    with pytest.raises(Conflict):  # decided
        services.reversal_approve(user=world.principal, school_id=world.school.pk, request_id=second.pk)
    with pytest.raises(Conflict):  # reversed
        ask(world, entry, "第三次")
    assert LedgerEntry.objects.filter(kind=EntryKind.REVERSAL).count() == 1


def test_asking_needs_the_custodian_a_reason_and_a_reversible_entry(world):
    entry = donate(world, "100")
    with pytest.raises(Invalid):
        ask(world, entry, "  ")
    for user in (world.principal, world.admin):
        with pytest.raises((Forbidden, NotFound)):
            ask(world, entry, user=user)
    with pytest.raises(NotFound):
        services.reversal_request(
            user=world.custodian, school_id=world.school.pk, entry_id=987654, reason="x"
        )
    reversal = correct(world, entry)
    with pytest.raises(Conflict):
        ask(world, reversal)
    assert not ReversalRequest.objects.filter(state="pending").exists()


def test_money_spent_after_the_request_is_refused_at_approval(world):
    case = open_case(world.classroom, by=world.colleague)
    entry = donate(world, "100")
    request = ask(world, entry)
    disburse(world, case, "40")
    with pytest.raises(Conflict):
        services.reversal_approve(user=world.principal, school_id=world.school.pk, request_id=request.pk)
    request.refresh_from_db()
    assert request.state == "pending"
    assert balance(world) == Decimal("60.00")
    assert not LedgerEntry.objects.filter(kind=EntryKind.REVERSAL).exists()


def test_a_disbursement_correction_brings_money_and_goods_back_on_approval(world):
    case = open_case(world.classroom, by=world.colleague)
    donate(world, "100", goods="冬衣", quantity=10, unit="件")
    request = services.disbursement_request(
        user=world.custodian,
        school_id=world.school.pk,
        case_id=case.pk,
        purpose="冬季助学",
        amount=Decimal("30"),
        goods="冬衣",
        quantity=4,
    )
    paid = services.disbursement_approve(
        user=world.principal, school_id=world.school.pk, request_id=request.pk
    )
    item = GoodsItem.objects.get(school=world.school)
    assert (balance(world), item.stock) == (Decimal("70.00"), 6)
    correction = ask(world, paid, "未发放")
    item.refresh_from_db()
    assert (balance(world), item.stock) == (Decimal("70.00"), 6)
    vice = add_staff("vice", world.school, Membership.Role.VICE_PRINCIPAL)
    services.reversal_approve(user=vice, school_id=world.school.pk, request_id=correction.pk)
    item.refresh_from_db()
    assert (balance(world), item.stock) == (Decimal("100.00"), 10)


@pytest.mark.smoke
def test_the_database_refuses_a_reversal_without_a_second_person(world):
    entry = donate(world, "10")
    fields = {
        "school": world.school,
        "kind": EntryKind.REVERSAL,
        "amount": Decimal("10"),
        "occurred_on": timezone.localdate(),
        "reverses": entry,
        "recorded_by": world.custodian,
    }
    with pytest.raises(IntegrityError, match="second person"), transaction.atomic():
        LedgerEntry.objects.create(**fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerEntry.objects.create(**fields, approved_by=world.custodian)  # ledger_four_eyes
    request = ask(world, entry)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReversalRequest.objects.filter(pk=request.pk).update(decided_by=world.custodian)  # reversal_four_eyes
    with pytest.raises(IntegrityError), transaction.atomic():
        ReversalRequest.objects.filter(pk=request.pk).update(state="approved", decided_by=world.principal)
    assert not LedgerEntry.objects.filter(kind=EntryKind.REVERSAL).exists()


def url(name: str, world, **kwargs: int) -> str:
    return reverse(f"support:{name}", kwargs={"school_id": world.school.pk, **kwargs})


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_pages_ask_then_approve_or_reject(world):
    entry = donate(world, "100")
    custodian = client_for(world.custodian)
    response = custodian.post(url("entry_reverse", world, entry_id=entry.pk), {"reason": "录错"})
    assert response.status_code == 302
    request = ReversalRequest.objects.get(entry=entry)
    assert balance(world) == Decimal("100.00")
    assert custodian.post(url("entry_reverse", world, entry_id=entry.pk), {"reason": "再"}).status_code == 409

    ledger = custodian.get(url("ledger", world)).content.decode()
    assert f'data-reversal="{request.pk}"' in ledger and "data-reversal-pending" in ledger
    assert url("reversal_approve", world, request_id=request.pk) not in ledger  # the custodian does not sign
    assert custodian.post(url("reversal_approve", world, request_id=request.pk)).status_code == 403

    principal = client_for(world.principal)
    assert (
        url("reversal_approve", world, request_id=request.pk)
        in principal.get(url("ledger", world)).content.decode()
    )
    assert principal.get(url("reversal_approve", world, request_id=request.pk)).status_code == 405
    assert principal.post(url("reversal_approve", world, request_id=request.pk)).status_code == 302
    assert balance(world) == Decimal("0.00")
    assert principal.post(url("reversal_approve", world, request_id=request.pk)).status_code == 409
    assert (
        client_for(world.owner).post(url("reversal_approve", world, request_id=request.pk)).status_code == 404
    )

    other = donate(world, "50")
    custodian.post(url("entry_reverse", world, entry_id=other.pk), {"reason": "重复"})
    pending = ReversalRequest.objects.get(entry=other)
    response = principal.post(url("reversal_reject", world, request_id=pending.pk), {"note": "不重复"})
    assert response.status_code == 302
    pending.refresh_from_db()
    assert (pending.state, pending.decision_note) == ("rejected", "不重复")
    assert balance(world) == Decimal("50.00")


def test_the_api_lists_posted_entries_and_flags_a_waiting_correction(world):
    from tests.api.helpers import api_client

    entry = donate(world, "100")
    ask(world, entry)
    client = api_client(world.principal)
    rows = client.get("/api/v1/support/entries/", {"school": world.school.pk}).json()["results"]
    assert [(r["id"], r["kind"], r["reversal_pending"]) for r in rows] == [(entry.pk, "donation", True)]
    request = ReversalRequest.objects.get(entry=entry)
    services.reversal_approve(user=world.principal, school_id=world.school.pk, request_id=request.pk)
    rows = client.get("/api/v1/support/entries/", {"school": world.school.pk}).json()["results"]
    assert [(r["kind"], r["reverses"], r["reversal_pending"]) for r in rows] == [
        ("reversal", entry.pk, False),
        ("donation", None, False),
    ]
