"""Helpers for ledger tests: every write through support.services."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils import timezone

from support import services
from support.models import LedgerEntry

if TYPE_CHECKING:
    from accounts.models import User
    from casework.models import Case
    from tests.conftest import World


def donate(world: World, amount: str = "100.00", **kwargs: object) -> LedgerEntry:
    fields: dict[str, object] = {
        "user": world.custodian,
        "school_id": world.school.pk,
        "occurred_on": timezone.localdate(),
        "donor_name": "张三",
        "amount": Decimal(amount),
    }
    fields.update(kwargs)
    return services.donation_record(**fields)  # type: ignore[arg-type]


def disburse(world: World, case: Case, amount: str = "40.00") -> LedgerEntry:
    request = services.disbursement_request(
        user=world.custodian,
        school_id=world.school.pk,
        case_id=case.pk,
        purpose="学费",
        amount=Decimal(amount),
    )
    return services.disbursement_approve(
        user=world.principal, school_id=world.school.pk, request_id=request.pk
    )


def correct(
    world: World, entry: LedgerEntry, reason: str = "录错", approver: User | None = None
) -> LedgerEntry:
    """A correction as the ledger takes it: the custodian asks, a principal approves (two people)."""
    request = services.reversal_request(
        user=world.custodian, school_id=world.school.pk, entry_id=entry.pk, reason=reason
    )
    return services.reversal_approve(
        user=approver or world.principal, school_id=world.school.pk, request_id=request.pk
    )
