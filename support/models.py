"""The poverty support ledger (扶贫助学台账): donations in, disbursements to pupils' cases out.

``LedgerEntry`` rows are append-only (database triggers refuse UPDATE and DELETE); a mistake is
corrected by a reversing entry. ``SchoolFund.balance`` is the running money balance, changed
only with the fund row locked, and the database refuses a negative balance (CHECK).
Disbursements wait as mutable ``DisbursementRequest`` rows until the principal signs off, and
corrections (reversals) as ``ReversalRequest`` rows: only then is an immutable entry posted.
"""

from __future__ import annotations

import unicodedata
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

ZERO = Decimal("0.00")


class SchoolFund(models.Model):
    """One row per school: the money balance of its ledger."""

    school = models.OneToOneField(
        "schools.School", on_delete=models.PROTECT, related_name="support_fund", verbose_name=_("school")
    )
    balance = models.DecimalField(_("balance (yuan)"), max_digits=12, decimal_places=2, default=ZERO)

    class Meta:
        verbose_name = _("support fund")
        verbose_name_plural = _("support funds")
        constraints = [
            models.CheckConstraint(condition=Q(balance__gte=0), name="support_fund_balance_not_negative")
        ]

    def __str__(self) -> str:
        return f"{self.school} · {self.balance}"


def goods_key(name: str) -> str:
    """The identity of an item of goods within a school: NFKC, spaces collapsed, case folded.

    "冬衣", " 冬衣 " and full-width/half-width variants are one item; "冬衣" and "棉衣" are two.
    """
    return " ".join(unicodedata.normalize("NFKC", name or "").split()).casefold()


class GoodsItem(models.Model):
    """One kind of goods a school keeps (书包, 冬衣 …) and how many it has in stock.

    ``stock`` changes only with the school's fund row locked, like the money balance, and the
    database refuses a negative stock (CHECK): goods cannot be given out that were never received.
    """

    school = models.ForeignKey(
        "schools.School", on_delete=models.PROTECT, related_name="goods_items", verbose_name=_("school")
    )
    key = models.CharField(_("normalised name"), max_length=200, editable=False)
    name = models.CharField(_("item"), max_length=200)
    unit = models.CharField(_("unit"), max_length=16, blank=True)
    stock = models.IntegerField(_("in stock"), default=0)

    class Meta:
        verbose_name = _("item of goods")
        verbose_name_plural = _("items of goods")
        ordering = ["school", "name"]
        constraints = [
            models.UniqueConstraint(fields=["school", "key"], name="support_goods_item_unique_per_school"),
            models.CheckConstraint(condition=~Q(key=""), name="support_goods_item_has_key"),
            models.CheckConstraint(condition=Q(stock__gte=0), name="support_goods_stock_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.name} · {self.stock}{self.unit}"


class EntryKind(models.TextChoices):
    DONATION = "donation", _("donation")
    DISBURSEMENT = "disbursement", _("disbursement")
    REVERSAL = "reversal", _("reversal")


class LedgerEntry(models.Model):
    """One posted, immutable line of a school's ledger."""

    school = models.ForeignKey(
        "schools.School", on_delete=models.PROTECT, related_name="ledger_entries", verbose_name=_("school")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=EntryKind.choices)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=12, decimal_places=2, default=ZERO)
    goods = models.CharField(_("goods"), max_length=200, blank=True)
    quantity = models.PositiveIntegerField(_("quantity"), null=True, blank=True)
    item = models.ForeignKey(
        GoodsItem,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entries",
        verbose_name=_("item of goods"),
    )
    occurred_on = models.DateField(_("date"))
    donor_name = models.CharField(_("donor"), max_length=128, blank=True)
    donor_is_staff = models.BooleanField(_("donor is a member of staff"), default=False)
    donor_anonymous = models.BooleanField(_("anonymous donor"), default=False)
    case = models.ForeignKey(
        "casework.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ledger_entries",
        verbose_name=_("case"),
    )
    purpose = models.CharField(_("purpose"), max_length=300, blank=True)
    reverses = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversed_by",
        verbose_name=_("reverses"),
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    request = models.OneToOneField(
        "support.DisbursementRequest",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entry",
        verbose_name=_("disbursement request"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["-recorded_at", "-id"]
        indexes = [models.Index(fields=["school", "occurred_on"], name="ledger_school_date")]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="ledger_amount_not_negative"),
            models.CheckConstraint(
                condition=Q(amount__gt=0) | ~Q(goods=""), name="ledger_entry_has_money_or_goods"
            ),
            # Goods always count against an item's stock (migration 0004 linked the older rows).
            models.CheckConstraint(
                condition=Q(goods="", item__isnull=True) | (~Q(goods="") & Q(item__isnull=False)),
                name="ledger_goods_have_item",
            ),
            models.CheckConstraint(
                condition=~Q(kind="disbursement") | (Q(case__isnull=False) & Q(approved_by__isnull=False)),
                name="ledger_disbursement_has_case_and_approval",
            ),
            models.CheckConstraint(
                condition=~Q(kind="reversal") | Q(reverses__isnull=False), name="ledger_reversal_names_entry"
            ),
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True) | ~Q(approved_by=F("recorded_by")),
                name="ledger_four_eyes",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk} · {self.amount}"

    @property
    def money_effect(self) -> Decimal:
        """What this entry did to the balance (signed)."""
        if self.kind == EntryKind.DONATION:
            return self.amount
        if self.kind == EntryKind.DISBURSEMENT:
            return -self.amount
        assert self.reverses is not None
        return -self.reverses.money_effect

    @property
    def goods_effect(self) -> int:
        """What this entry did to its item's stock (signed; 0 without goods)."""
        if self.item_id is None:
            return 0
        quantity = self.quantity or 0
        if self.kind == EntryKind.DONATION:
            return quantity
        if self.kind == EntryKind.DISBURSEMENT:
            return -quantity
        assert self.reverses is not None
        return -self.reverses.goods_effect


class DisbursementRequest(models.Model):
    """A disbursement the custodian asks for; posts to the ledger when the principal approves."""

    class State(models.TextChoices):
        PENDING = "pending", _("pending")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")

    school = models.ForeignKey(
        "schools.School",
        on_delete=models.PROTECT,
        related_name="disbursement_requests",
        verbose_name=_("school"),
    )
    case = models.ForeignKey(
        "casework.Case",
        on_delete=models.PROTECT,
        related_name="disbursement_requests",
        verbose_name=_("case"),
    )
    amount = models.DecimalField(_("amount (yuan)"), max_digits=12, decimal_places=2, default=ZERO)
    goods = models.CharField(_("goods"), max_length=200, blank=True)
    quantity = models.PositiveIntegerField(_("quantity"), null=True, blank=True)
    item = models.ForeignKey(
        GoodsItem,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="requests",
        verbose_name=_("item of goods"),
    )
    purpose = models.CharField(_("purpose"), max_length=300)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("disbursement request")
        verbose_name_plural = _("disbursement requests")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="disbursement_amount_not_negative"),
            models.CheckConstraint(
                condition=Q(amount__gt=0) | ~Q(goods=""), name="disbursement_has_money_or_goods"
            ),
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=F("requested_by")),
                name="disbursement_four_eyes",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} · {self.amount} · {self.get_state_display()}"


class ReversalRequest(models.Model):
    """A correction of a posted entry, waiting for a second person, like a disbursement: the
    custodian asks, a principal or vice principal (never the one who asked) approves, and only
    then does the reversing entry post and the balance and stock move."""

    class State(models.TextChoices):
        PENDING = "pending", _("pending")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")

    school = models.ForeignKey(
        "schools.School", on_delete=models.PROTECT, related_name="reversal_requests", verbose_name=_("school")
    )
    entry = models.ForeignKey(
        LedgerEntry,
        on_delete=models.PROTECT,
        related_name="reversal_requests",
        verbose_name=_("entry to correct"),
    )
    reason = models.CharField(_("reason"), max_length=300)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=300, blank=True)
    # The reversing entry, once approved (the ledger itself is never updated to point back here).
    reversal = models.OneToOneField(
        LedgerEntry,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversal_request",
        verbose_name=_("reversing entry"),
    )

    class Meta:
        verbose_name = _("reversal request")
        verbose_name_plural = _("reversal requests")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=F("requested_by")),
                name="reversal_four_eyes",
            ),
            # One correction of an entry waits at a time.
            models.UniqueConstraint(
                fields=["entry"], condition=Q(state="pending"), name="reversal_one_pending_per_entry"
            ),
            models.CheckConstraint(
                condition=~Q(state="approved") | Q(reversal__isnull=False, decided_by__isnull=False),
                name="reversal_approved_has_entry",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} · {self.entry_id} · {self.get_state_display()}"
