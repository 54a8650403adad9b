"""Reads of the support ledger, shaped for the person asking."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import (
    Case,
    DecimalField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy

from casework.selectors import case_list_for_user
from support.access import CUSTODIAN
from support.models import (
    ZERO,
    DisbursementRequest,
    EntryKind,
    GoodsItem,
    LedgerEntry,
    ReversalRequest,
    SchoolFund,
)

if TYPE_CHECKING:
    from accounts.models import User
    from schools.models import School

ANONYMOUS = gettext_lazy("Anonymous")  # 匿名
HIDDEN = "—"


@dataclass(frozen=True)
class EntryRow:
    entry: LedgerEntry
    donor: str
    recipient: str  # the pupil's name, or "—" for those who may not see the case
    case_id: int | None  # only when the user may see the case
    effect: Decimal
    reversed: bool
    reversal_pending: bool = False  # a correction of it waits for approval


def fund_balance(*, school_id: int) -> Decimal:
    fund = SchoolFund.objects.filter(school_id=school_id).first()
    return fund.balance if fund is not None else ZERO


def visible_case_ids(*, user: User, case_ids: set[int]) -> set[int]:
    if not case_ids:
        return set()
    return set(case_list_for_user(user=user).filter(id__in=sorted(case_ids)).values_list("id", flat=True))


def donor_label(entry: LedgerEntry, roles: frozenset[str]) -> str:
    """Anonymous donors show as "Anonymous" (匿名) to everyone but the school's custodians."""
    if entry.kind != EntryKind.DONATION:
        return ""
    if entry.donor_anonymous and CUSTODIAN not in roles:
        return str(ANONYMOUS)
    return entry.donor_name


def entry_rows(*, user: User, roles: frozenset[str], entries: Sequence[LedgerEntry]) -> list[EntryRow]:
    """Rows for display: donors masked, recipients only for those who may see the case."""
    seen = visible_case_ids(user=user, case_ids={e.case_id for e in entries if e.case_id})
    # One query for both flags of the page's entries: reversed, and a correction waiting.
    flags = {
        pk: (is_reversed, pending)
        for pk, is_reversed, pending in LedgerEntry.objects.filter(pk__in=[e.pk for e in entries])
        .annotate(
            is_reversed=Exists(LedgerEntry.objects.filter(reverses_id=OuterRef("pk"))),
            pending=Exists(
                ReversalRequest.objects.filter(entry_id=OuterRef("pk"), state=ReversalRequest.State.PENDING)
            ),
        )
        .values_list("pk", "is_reversed", "pending")
    }
    rows = []
    for entry in entries:
        visible = entry.case_id in seen
        rows.append(
            EntryRow(
                entry=entry,
                donor=donor_label(entry, roles),
                recipient=(
                    entry.case.pupil.name if visible and entry.case else (HIDDEN if entry.case_id else "")
                ),
                case_id=entry.case_id if visible else None,
                effect=entry.money_effect,
                reversed=flags.get(entry.pk, (False, False))[0],
                reversal_pending=flags.get(entry.pk, (False, False))[1],
            )
        )
    return rows


def entry_list(
    *, school: School, since: datetime.date | None = None, until: datetime.date | None = None
) -> QuerySet[LedgerEntry]:
    """The school's entries, newest first (optionally of a period): one page is cut from it
    before ``entry_rows`` works out donors and recipients."""
    entries = LedgerEntry.objects.filter(school=school).select_related("case__pupil", "reverses")
    if since is not None:
        entries = entries.filter(occurred_on__gte=since)
    if until is not None:
        entries = entries.filter(occurred_on__lte=until)
    return entries.order_by("-recorded_at", "-id")


def pending_requests(*, school: School) -> list[DisbursementRequest]:
    return list(
        DisbursementRequest.objects.filter(school=school, state=DisbursementRequest.State.PENDING)
        .select_related("case__pupil", "requested_by")
        .order_by("requested_at", "id")
    )


def pending_reversals(*, school: School) -> list[ReversalRequest]:
    """Corrections waiting for a principal's or vice principal's approval, oldest first."""
    return list(
        ReversalRequest.objects.filter(school=school, state=ReversalRequest.State.PENDING)
        .select_related("entry", "entry__reverses", "requested_by")
        .order_by("requested_at", "id")
    )


@dataclass(frozen=True)
class Reconciliation:
    since: datetime.date
    until: datetime.date
    opening: Decimal
    donations: Decimal
    disbursements: Decimal
    reversals: Decimal  # signed: reversing a donation lowers it, reversing a disbursement raises it
    closing: Decimal
    donation_count: int
    disbursement_count: int
    reversal_count: int
    goods_lines: int

    @property
    def reconciles(self) -> bool:
        return self.opening + self.donations - self.disbursements + self.reversals == self.closing


def _effect() -> Case:
    """The signed money effect of an entry, in SQL (mirrors LedgerEntry.money_effect)."""
    return Case(
        When(kind=EntryKind.DONATION, then=F("amount")),
        When(kind=EntryKind.DISBURSEMENT, then=-F("amount")),
        When(reverses__kind=EntryKind.DONATION, then=-F("amount")),
        default=F("amount"),
        output_field=DecimalField(max_digits=14, decimal_places=2),
    )


def reconciliation(*, school: School, since: datetime.date, until: datetime.date) -> Reconciliation:
    """Opening balance + donations − disbursements ± reversals = closing balance, by entry date."""
    zero = Value(ZERO, output_field=DecimalField(max_digits=14, decimal_places=2))
    entries = LedgerEntry.objects.filter(school=school)
    effect = _effect()
    totals = entries.aggregate(
        opening=Coalesce(Sum(effect, filter=Q(occurred_on__lt=since)), zero),
        closing=Coalesce(Sum(effect, filter=Q(occurred_on__lte=until)), zero),
        donations=Coalesce(
            Sum("amount", filter=Q(kind=EntryKind.DONATION, occurred_on__gte=since, occurred_on__lte=until)),
            zero,
        ),
        disbursements=Coalesce(
            Sum(
                "amount",
                filter=Q(kind=EntryKind.DISBURSEMENT, occurred_on__gte=since, occurred_on__lte=until),
            ),
            zero,
        ),
        reversals=Coalesce(
            Sum(effect, filter=Q(kind=EntryKind.REVERSAL, occurred_on__gte=since, occurred_on__lte=until)),
            zero,
        ),
    )
    period = entries.filter(occurred_on__gte=since, occurred_on__lte=until)
    counts = {
        kind: period.filter(kind=kind).count()
        for kind in (EntryKind.DONATION, EntryKind.DISBURSEMENT, EntryKind.REVERSAL)
    }
    return Reconciliation(
        since=since,
        until=until,
        opening=totals["opening"],
        donations=totals["donations"],
        disbursements=totals["disbursements"],
        reversals=totals["reversals"],
        closing=totals["closing"],
        donation_count=counts[EntryKind.DONATION],
        disbursement_count=counts[EntryKind.DISBURSEMENT],
        reversal_count=counts[EntryKind.REVERSAL],
        goods_lines=period.exclude(goods="").count(),
    )


def period_entries(*, school: School, since: datetime.date, until: datetime.date) -> list[LedgerEntry]:
    return list(
        LedgerEntry.objects.filter(school=school, occurred_on__gte=since, occurred_on__lte=until)
        .select_related("case__pupil", "reverses")
        .order_by("occurred_on", "id")
    )


@dataclass(frozen=True)
class StockRow:
    item: GoodsItem
    received: int
    given_out: int
    reversed: int  # signed: a reversed donation takes goods out, a reversed disbursement brings them back
    in_stock: int

    @property
    def reconciles(self) -> bool:
        return self.received - self.given_out + self.reversed == self.in_stock


def _quantity_sum(condition: Q) -> Coalesce:
    return Coalesce(Sum("entries__quantity", filter=condition), Value(0))


def goods_stock(*, school: School) -> list[StockRow]:
    """Per item of the school: received, given out, reversed (signed) and in stock, one query."""
    items = (
        GoodsItem.objects.filter(school=school)
        .annotate(
            received=_quantity_sum(Q(entries__kind=EntryKind.DONATION)),
            given_out=_quantity_sum(Q(entries__kind=EntryKind.DISBURSEMENT)),
            back=_quantity_sum(
                Q(entries__kind=EntryKind.REVERSAL, entries__reverses__kind=EntryKind.DISBURSEMENT)
            ),
            out=_quantity_sum(
                Q(entries__kind=EntryKind.REVERSAL, entries__reverses__kind=EntryKind.DONATION)
            ),
        )
        .order_by("name", "id")
    )
    return [
        StockRow(
            item=item,
            received=item.received,
            given_out=item.given_out,
            reversed=item.back - item.out,
            in_stock=item.stock,
        )
        for item in items
    ]


@dataclass(frozen=True)
class SchoolTotals:
    """One school's ledger for a period, as the bureau's inspectors read it: sums only, no names."""

    school_id: int
    school_name: str
    school_code: str
    donations: Decimal
    disbursements: Decimal
    reversals: Decimal  # signed, like Reconciliation.reversals
    closing: Decimal  # the money balance at the end of the period
    goods_received: int  # units received in the period
    goods_given_out: int  # units given out in the period
    items_in_stock: int  # kinds of goods with a positive stock at the end of the period
    units_in_stock: int


def _goods_effect() -> Case:
    """The signed stock effect of an entry, in SQL (mirrors LedgerEntry.goods_effect)."""
    return Case(
        When(item__isnull=True, then=Value(0)),
        When(kind=EntryKind.DONATION, then=Coalesce(F("quantity"), Value(0))),
        When(kind=EntryKind.DISBURSEMENT, then=-Coalesce(F("quantity"), Value(0))),
        When(reverses__kind=EntryKind.DONATION, then=-Coalesce(F("quantity"), Value(0))),
        default=Coalesce(F("quantity"), Value(0)),
        output_field=IntegerField(),
    )


def city_totals(*, schools: list[School], since: datetime.date, until: datetime.date) -> list[SchoolTotals]:
    """Per-school totals for the period in two queries, whatever the number of schools."""
    zero = Value(ZERO, output_field=DecimalField(max_digits=14, decimal_places=2))
    in_period = Q(occurred_on__gte=since, occurred_on__lte=until)
    money = {
        row["school_id"]: row
        for row in LedgerEntry.objects.filter(school__in=schools)
        .values("school_id")
        .order_by("school_id")
        .annotate(
            closing=Coalesce(Sum(_effect(), filter=Q(occurred_on__lte=until)), zero),
            donations=Coalesce(Sum("amount", filter=in_period & Q(kind=EntryKind.DONATION)), zero),
            disbursements=Coalesce(Sum("amount", filter=in_period & Q(kind=EntryKind.DISBURSEMENT)), zero),
            reversals=Coalesce(Sum(_effect(), filter=in_period & Q(kind=EntryKind.REVERSAL)), zero),
            goods_received=Coalesce(
                Sum("quantity", filter=in_period & Q(kind=EntryKind.DONATION, item__isnull=False)), Value(0)
            ),
            goods_given_out=Coalesce(
                Sum("quantity", filter=in_period & Q(kind=EntryKind.DISBURSEMENT, item__isnull=False)),
                Value(0),
            ),
        )
    }
    # Stock per item at the end of the period, from the ledger itself.
    items: dict[int, list[int]] = {}
    for row in (
        LedgerEntry.objects.filter(school__in=schools, item__isnull=False, occurred_on__lte=until)
        .values("school_id", "item_id")
        .order_by("school_id", "item_id")
        .annotate(stock=Sum(_goods_effect()))
    ):
        items.setdefault(row["school_id"], []).append(row["stock"] or 0)
    totals = []
    for school in schools:
        row = money.get(school.pk, {})
        stocks = [stock for stock in items.get(school.pk, []) if stock > 0]
        totals.append(
            SchoolTotals(
                school_id=school.pk,
                school_name=school.name,
                school_code=school.code,
                donations=row.get("donations", ZERO),
                disbursements=row.get("disbursements", ZERO),
                reversals=row.get("reversals", ZERO),
                closing=row.get("closing", ZERO),
                goods_received=row.get("goods_received", 0),
                goods_given_out=row.get("goods_given_out", 0),
                items_in_stock=len(stocks),
                units_in_stock=sum(stocks),
            )
        )
    return totals
