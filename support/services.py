"""Writes on the support ledger. Each runs in one transaction with the school's fund row locked.

Money leaves the fund only with two people: a disbursement and a correction (reversal) are each
asked for by the custodian and approved by a principal or vice principal who did not ask; the
entry posts, and the balance moves, only on approval (docs/support-ledger.md).

Locking the fund row serialises every money movement of a school: a second disbursement waits
for the first to commit and then sees the reduced balance. The CHECK on the balance is the last
line: should anything bypass the lock, the database still refuses to go below zero.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import AuditContext, audit_record
from casework.models import Case
from core.errors import Conflict, ErrorCode, Forbidden, Invalid, NotFound
from support.access import ledger_school_for_user, require_custodian, require_leader
from support.models import (
    ZERO,
    DisbursementRequest,
    EntryKind,
    GoodsItem,
    LedgerEntry,
    ReversalRequest,
    SchoolFund,
    goods_key,
)
from workflows.models import NotificationKind
from workflows.notify import leaders_of_school, notify, who

if TYPE_CHECKING:
    from accounts.models import User


def _locked_fund(school_id: int) -> SchoolFund:
    SchoolFund.objects.bulk_create([SchoolFund(school_id=school_id)], ignore_conflicts=True)
    return SchoolFund.objects.select_for_update().get(school_id=school_id)


def _move(fund: SchoolFund, delta: Decimal) -> tuple[Decimal, Decimal]:
    """Apply a signed change to the locked fund; 409 when the balance would go negative."""
    old = fund.balance
    if old + delta < ZERO:
        raise Conflict(
            _("The balance of %(balance)s yuan does not cover this; nothing was recorded.") % {"balance": old}
        )
    try:
        with transaction.atomic():
            SchoolFund.objects.filter(pk=fund.pk).update(balance=F("balance") + delta)
    except IntegrityError as exc:  # the CHECK: the balance would be negative
        raise Conflict(_("The balance does not cover this; nothing was recorded.")) from exc
    fund.refresh_from_db(fields=["balance"])
    return old, fund.balance


def _locked_item(school_id: int, goods: str, *, create: bool = False, unit: str = "") -> GoodsItem | None:
    """The school's item of these goods, locked (call with the fund row locked: one lock order)."""
    key = goods_key(goods)
    if create:
        GoodsItem.objects.bulk_create(
            [GoodsItem(school_id=school_id, key=key, name=goods, unit=unit)], ignore_conflicts=True
        )
    return GoodsItem.objects.select_for_update().filter(school_id=school_id, key=key).first()


def _locked_item_by_id(item_id: int | None) -> GoodsItem | None:
    if item_id is None:
        return None
    return GoodsItem.objects.select_for_update().get(pk=item_id)


def _restock(item: GoodsItem, delta: int) -> tuple[int, int]:
    """Apply a signed change to the locked item's stock; 409 when it would go negative."""
    old = item.stock
    if old + delta < 0:
        raise Conflict(
            _("Only %(stock)s of “%(item)s” in stock; nothing was recorded.")
            % {"stock": old, "item": item.name}
        )
    try:
        with transaction.atomic():
            GoodsItem.objects.filter(pk=item.pk).update(stock=F("stock") + delta)
    except IntegrityError as exc:  # the CHECK: the stock would be negative
        raise Conflict(_("The stock does not cover this; nothing was recorded.")) from exc
    item.refresh_from_db(fields=["stock"])
    return old, item.stock


def _clean_money_goods(amount: Decimal | None, goods: str, quantity: int | None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if amount is not None and amount < 0:
        errors["amount"] = [_("The amount cannot be negative.")]
    if not (amount and amount > 0) and not goods:
        errors["amount"] = [_("Give an amount of money, a description of goods, or both.")]
    if goods and not quantity:
        errors["quantity"] = [_("Give the quantity of the goods.")]
    return errors


def _stock_detail(item: GoodsItem | None, stock: tuple[int, int] | None) -> dict[str, Any]:
    if item is None or stock is None:
        return {}
    return {"item": item.pk, "stock": {"old": stock[0], "new": stock[1]}}


def _full_clean(obj: Any, exclude: list[str] | None = None) -> None:
    try:
        obj.full_clean(exclude=exclude)
    except ValidationError as exc:
        raise Invalid(_("Please correct the errors."), errors=exc.message_dict) from exc


def donation_record(
    *,
    user: User,
    school_id: int,
    occurred_on: datetime.date,
    donor_name: str,
    amount: Decimal | None = None,
    goods: str = "",
    quantity: int | None = None,
    donor_is_staff: bool = False,
    donor_anonymous: bool = False,
    unit: str = "",
    context: AuditContext | None = None,
) -> LedgerEntry:
    """The school's donation custodian records money and/or goods received (goods go into stock)."""
    school, roles = ledger_school_for_user(user=user, school_id=school_id)
    require_custodian(roles)
    donor_name = (donor_name or "").strip()
    goods = (goods or "").strip()
    errors = _clean_money_goods(amount, goods, quantity)
    if not donor_name:
        errors["donor_name"] = [_("Name the donor (it can be hidden as anonymous).")]
    if occurred_on > timezone.localdate():
        errors["occurred_on"] = [_("The date cannot be in the future.")]
    unit = (unit or "").strip()[:16]
    if goods and not goods_key(goods):
        errors["goods"] = [_("Name the goods.")]
    if errors:
        raise Invalid(_("The donation cannot be recorded."), errors=errors)
    with transaction.atomic():
        fund = _locked_fund(school.pk)
        item = _locked_item(school.pk, goods, create=True, unit=unit) if goods else None
        if item is not None and unit and item.unit and unit != item.unit:
            raise Invalid(
                _("The donation cannot be recorded."),
                errors={
                    "unit": [_("“%(item)s” is counted in %(unit)s.") % {"item": item.name, "unit": item.unit}]
                },
            )
        if item is not None and unit and not item.unit:
            item.unit = unit
            item.save(update_fields=["unit"])
        entry = LedgerEntry(
            school=school,
            kind=EntryKind.DONATION,
            amount=amount or ZERO,
            goods=goods,
            quantity=quantity if goods else None,
            item=item,
            occurred_on=occurred_on,
            donor_name=donor_name,
            donor_is_staff=donor_is_staff,
            donor_anonymous=donor_anonymous,
            recorded_by=user,
        )
        _full_clean(entry)
        entry.save()
        old, new = _move(fund, entry.amount)
        stock = _restock(item, entry.goods_effect) if item is not None else None
        audit_record(
            action="support.donation",
            actor=user,
            target=entry,
            school_id=school.pk,
            detail={
                "amount": str(entry.amount),
                "goods": goods,
                "quantity": entry.quantity,
                "donor_anonymous": donor_anonymous,
                "balance": {"old": str(old), "new": str(new)},
                **_stock_detail(item, stock),
            },
            context=context,
        )
    return entry


def disbursement_request(
    *,
    user: User,
    school_id: int,
    case_id: int,
    purpose: str,
    amount: Decimal | None = None,
    goods: str = "",
    quantity: int | None = None,
    context: AuditContext | None = None,
) -> DisbursementRequest:
    """The custodian asks to pay money or hand goods to a pupil's case of the same school."""
    school, roles = ledger_school_for_user(user=user, school_id=school_id)
    require_custodian(roles)
    purpose = (purpose or "").strip()
    goods = (goods or "").strip()
    errors = _clean_money_goods(amount, goods, quantity)
    if not purpose:
        errors["purpose"] = [_("Say what the support is for.")]
    case = Case.objects.filter(pk=case_id, school_id=school.pk).first()
    if case is None:
        errors["case"] = [_("Choose a case of this school.")]
    if errors:
        raise Invalid(_("The disbursement cannot be requested."), errors=errors)
    with transaction.atomic():
        fund = _locked_fund(school.pk)
        if amount and amount > fund.balance:
            raise Conflict(
                _("The balance of %(balance)s yuan does not cover this; nothing was recorded.")
                % {"balance": fund.balance}
            )
        item = _locked_item(school.pk, goods) if goods else None
        if goods and item is None:
            raise Invalid(
                _("The disbursement cannot be requested."),
                errors={"goods": [_("The school has received no such goods.")]},
            )
        if item is not None and (quantity or 0) > item.stock:
            # A first check for the custodian; the real one is at approval, under the same lock.
            raise Conflict(
                _("Only %(stock)s of “%(item)s” in stock; nothing was recorded.")
                % {"stock": item.stock, "item": item.name}
            )
        request = DisbursementRequest(
            school=school,
            case=case,
            amount=amount or ZERO,
            goods=goods,
            quantity=quantity if goods else None,
            item=item,
            purpose=purpose,
            requested_by=user,
        )
        _full_clean(request)
        request.save()
        audit_record(
            action="support.disbursement_request",
            actor=user,
            target=request,
            case_id=case_id,
            school_id=school.pk,
            detail={
                "amount": str(request.amount),
                "goods": goods,
                "quantity": request.quantity,
                "item": request.item_id,
            },
            context=context,
        )
        _notify_signers(
            kind=NotificationKind.PAYOUT_TO_SIGN,
            event=f"support:disbursement:{request.pk}",
            school_id=school.pk,
            user=user,
            params={"case": case_id},
        )
    return request


def _notify_signers(*, kind: str, event: str, school_id: int, user: User, params: dict[str, Any]) -> None:
    """The principal and vice principals, who may sign, are told; never the one who asked."""
    notify(
        kind=kind,
        event=event,
        recipients=leaders_of_school(school_id=school_id),
        school_id=school_id,
        url=reverse("support:ledger", args=[school_id]),
        params={**params, "who": who(user)},
        actor=user,
    )


def _locked_request(
    *, user: User, school_id: int, request_id: int
) -> tuple[DisbursementRequest, frozenset[str]]:
    _school, roles = ledger_school_for_user(user=user, school_id=school_id)
    request = (
        DisbursementRequest.objects.select_for_update().filter(pk=request_id, school_id=school_id).first()
    )
    if request is None:
        raise NotFound(_("No such disbursement request."))
    return request, roles


def disbursement_approve(
    *, user: User, school_id: int, request_id: int, context: AuditContext | None = None
) -> LedgerEntry:
    """The principal (or a vice principal) signs off; the entry posts and the balance falls."""
    ledger_school_for_user(user=user, school_id=school_id)  # 404 before any lock or write
    with transaction.atomic():
        fund = _locked_fund(school_id)  # fund first, then request: one lock order everywhere
        request, roles = _locked_request(user=user, school_id=school_id, request_id=request_id)
        require_leader(roles)
        if request.requested_by_id == user.pk:
            raise Forbidden(_("Two people sign a disbursement: you cannot approve your own request."))
        if request.state != DisbursementRequest.State.PENDING:
            raise Conflict(_("This request has already been decided."))
        now = timezone.now()
        entry = LedgerEntry(
            school_id=school_id,
            kind=EntryKind.DISBURSEMENT,
            amount=request.amount,
            goods=request.goods,
            quantity=request.quantity,
            item_id=request.item_id,
            occurred_on=timezone.localdate(now),
            case_id=request.case_id,
            purpose=request.purpose,
            request=request,
            recorded_by_id=request.requested_by_id,
            approved_by=user,
            recorded_at=now,
        )
        _full_clean(entry, exclude=["request"])
        old, new = _move(fund, -request.amount)
        item = _locked_item_by_id(request.item_id)
        stock = _restock(item, -(request.quantity or 0)) if item is not None else None
        entry.save()
        request.state = DisbursementRequest.State.APPROVED
        request.decided_by = user
        request.decided_at = now
        request.save(update_fields=["state", "decided_by", "decided_at"])
        audit_record(
            action="support.disbursement_approve",
            actor=user,
            target=entry,
            case_id=request.case_id,
            school_id=school_id,
            detail={
                "request": request.pk,
                "amount": str(entry.amount),
                "state": {"old": DisbursementRequest.State.PENDING, "new": request.state},
                "balance": {"old": str(old), "new": str(new)},
                **_stock_detail(item, stock),
            },
            context=context,
        )
    return entry


def disbursement_reject(
    *, user: User, school_id: int, request_id: int, note: str = "", context: AuditContext | None = None
) -> DisbursementRequest:
    """The principal turns a request down; nothing moves."""
    with transaction.atomic():
        request, roles = _locked_request(user=user, school_id=school_id, request_id=request_id)
        require_leader(roles)
        if request.requested_by_id == user.pk:
            raise Forbidden(_("Two people sign a disbursement: you cannot decide your own request."))
        if request.state != DisbursementRequest.State.PENDING:
            raise Conflict(_("This request has already been decided."))
        request.state = DisbursementRequest.State.REJECTED
        request.decided_by = user
        request.decided_at = timezone.now()
        request.decision_note = (note or "").strip()[:300]
        request.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
        audit_record(
            action="support.disbursement_reject",
            actor=user,
            target=request,
            case_id=request.case_id,
            school_id=school_id,
            detail={"state": {"old": DisbursementRequest.State.PENDING, "new": request.state}},
            context=context,
        )
    return request


def reversal_request(
    *, user: User, school_id: int, entry_id: int, reason: str, context: AuditContext | None = None
) -> ReversalRequest:
    """The custodian asks to correct an entry by its opposite; nothing moves until a principal or
    vice principal approves (``reversal_approve``), like a disbursement."""
    _school, roles = ledger_school_for_user(user=user, school_id=school_id)
    require_custodian(roles)
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(_("The entry cannot be reversed."), errors={"reason": [_("Give the reason.")]})
    with transaction.atomic():
        fund = _locked_fund(school_id)  # fund first: one lock order everywhere
        original = (
            LedgerEntry.objects.select_related("reverses", "item")
            .filter(pk=entry_id, school_id=school_id)
            .first()
        )
        if original is None:
            raise NotFound(_("No such entry."))
        _check_reversible(original)
        if ReversalRequest.objects.filter(entry=original, state=ReversalRequest.State.PENDING).exists():
            raise Conflict(_("A correction of this entry already waits for approval."))
        # A first check for the custodian; the real one is at approval, under the same lock.
        if fund.balance - original.money_effect < ZERO:
            raise Conflict(
                _("The balance of %(balance)s yuan does not cover this; nothing was recorded.")
                % {"balance": fund.balance}
            )
        if original.item is not None and original.item.stock - original.goods_effect < 0:
            raise Conflict(
                _("Only %(stock)s of “%(item)s” in stock; nothing was recorded.")
                % {"stock": original.item.stock, "item": original.item.name}
            )
        request = ReversalRequest(school_id=school_id, entry=original, reason=reason[:300], requested_by=user)
        _full_clean(request)
        try:
            with transaction.atomic():
                request.save()
        except IntegrityError as exc:  # reversal_one_pending_per_entry: a concurrent request won
            raise Conflict(_("A correction of this entry already waits for approval.")) from exc
        audit_record(
            action="support.reversal_request",
            actor=user,
            target=request,
            case_id=original.case_id,
            school_id=school_id,
            detail={
                "entry": original.pk,
                "kind": original.kind,
                "amount": str(original.amount),
                "reason": request.reason,
            },
            context=context,
        )
        _notify_signers(
            kind=NotificationKind.REVERSAL_TO_SIGN,
            event=f"support:reversal:{request.pk}",
            school_id=school_id,
            user=user,
            params={"entry": original.pk},
        )
    return request


def _check_reversible(original: LedgerEntry) -> None:
    if original.kind == EntryKind.REVERSAL:
        raise Conflict(_("A reversal cannot itself be reversed; record a new entry instead."))
    if LedgerEntry.objects.filter(reverses=original).exists():
        raise Conflict(_("This entry has already been reversed."))


def _locked_reversal(
    *, user: User, school_id: int, request_id: int
) -> tuple[ReversalRequest, frozenset[str]]:
    _school, roles = ledger_school_for_user(user=user, school_id=school_id)
    request = (
        ReversalRequest.objects.select_for_update(of=("self",))
        .select_related("entry", "entry__reverses")
        .filter(pk=request_id, school_id=school_id)
        .first()
    )
    if request is None:
        raise NotFound(_("No such correction request."))
    return request, roles


def reversal_approve(
    *, user: User, school_id: int, request_id: int, context: AuditContext | None = None
) -> LedgerEntry:
    """A principal or vice principal (never the one who asked) approves the correction: the
    reversing entry posts, and the balance and stock move, in this transaction."""
    ledger_school_for_user(user=user, school_id=school_id)  # 404 before any lock or write
    with transaction.atomic():
        fund = _locked_fund(school_id)  # fund first, then the request, then the item
        request, roles = _locked_reversal(user=user, school_id=school_id, request_id=request_id)
        require_leader(roles)
        if request.requested_by_id == user.pk:
            raise Forbidden(
                _("Two people sign a correction: you cannot approve your own request."),
                code=ErrorCode.FOUR_EYES,
            )
        if request.state != ReversalRequest.State.PENDING:
            raise Conflict(_("This request has already been decided."))
        original = request.entry
        _check_reversible(original)
        now = timezone.now()
        entry = LedgerEntry(
            school_id=school_id,
            kind=EntryKind.REVERSAL,
            amount=original.amount,
            goods=original.goods,
            quantity=original.quantity,
            item_id=original.item_id,
            occurred_on=timezone.localdate(now),
            case_id=original.case_id,
            reverses=original,
            reason=request.reason,
            recorded_by_id=request.requested_by_id,
            approved_by=user,
            recorded_at=now,
        )
        _full_clean(entry, exclude=["reverses"])
        old, new = _move(fund, -original.money_effect)
        item = _locked_item_by_id(original.item_id)
        # Goods already given out cannot be "un-received": the stock CHECK refuses it like money.
        stock = _restock(item, -original.goods_effect) if item is not None else None
        try:
            with transaction.atomic():
                entry.save()
        except IntegrityError as exc:  # the entry was reversed meanwhile
            raise Conflict(_("This entry has already been reversed.")) from exc
        request.state = ReversalRequest.State.APPROVED
        request.decided_by = user
        request.decided_at = now
        request.reversal = entry
        request.save(update_fields=["state", "decided_by", "decided_at", "reversal"])
        audit_record(
            action="support.reversal_approve",
            actor=user,
            target=entry,
            case_id=original.case_id,
            school_id=school_id,
            detail={
                "request": request.pk,
                "reverses": original.pk,
                "kind": original.kind,
                "amount": str(original.amount),
                "reason": entry.reason,
                "requested_by": request.requested_by_id,
                "state": {"old": ReversalRequest.State.PENDING, "new": request.state},
                "balance": {"old": str(old), "new": str(new)},
                **_stock_detail(item, stock),
            },
            context=context,
        )
    return entry


def reversal_reject(
    *, user: User, school_id: int, request_id: int, note: str = "", context: AuditContext | None = None
) -> ReversalRequest:
    """A principal or vice principal turns a correction down; nothing moves, the entry stands."""
    with transaction.atomic():
        request, roles = _locked_reversal(user=user, school_id=school_id, request_id=request_id)
        require_leader(roles)
        if request.requested_by_id == user.pk:
            raise Forbidden(
                _("Two people sign a correction: you cannot decide your own request."),
                code=ErrorCode.FOUR_EYES,
            )
        if request.state != ReversalRequest.State.PENDING:
            raise Conflict(_("This request has already been decided."))
        request.state = ReversalRequest.State.REJECTED
        request.decided_by = user
        request.decided_at = timezone.now()
        request.decision_note = (note or "").strip()[:300]
        request.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
        audit_record(
            action="support.reversal_reject",
            actor=user,
            target=request,
            case_id=request.entry.case_id,
            school_id=school_id,
            detail={
                "entry": request.entry_id,
                "state": {"old": ReversalRequest.State.PENDING, "new": request.state},
                "note": request.decision_note,
            },
            context=context,
        )
    return request


def ledger_export_record(
    *,
    user: User,
    school_id: int,
    since: datetime.date,
    until: datetime.date,
    context: AuditContext | None = None,
) -> None:
    """Record that the user downloaded the school's reconciliation for the period."""
    ledger_school_for_user(user=user, school_id=school_id)
    with transaction.atomic():
        audit_record(
            action="support.export",
            actor=user,
            school_id=school_id,
            detail={"since": since.isoformat(), "until": until.isoformat()},
            context=context,
        )
