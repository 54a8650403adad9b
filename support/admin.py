"""Read-only admin views of the ledger: entries are written only through support.services."""

from __future__ import annotations

from django.contrib import admin

from audit.admin import ReadOnlyAuditedModelAdmin
from support.models import DisbursementRequest, GoodsItem, LedgerEntry, ReversalRequest, SchoolFund


@admin.register(SchoolFund)
class SchoolFundAdmin(ReadOnlyAuditedModelAdmin):
    list_display = ["school", "balance"]


@admin.register(GoodsItem)
class GoodsItemAdmin(ReadOnlyAuditedModelAdmin):
    list_display = ["school", "name", "unit", "stock"]
    fields = ["school", "name", "key", "unit", "stock"]
    readonly_fields = ["key"]


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAuditedModelAdmin):
    list_display = ["id", "school", "kind", "amount", "goods", "occurred_on", "recorded_at"]
    list_filter = ["kind"]
    # Donor names and recipients are not shown here: the pages apply anonymity and case access.
    fields = [
        "school",
        "kind",
        "amount",
        "goods",
        "quantity",
        "item",
        "occurred_on",
        "reverses",
        "recorded_at",
    ]


@admin.register(DisbursementRequest)
class DisbursementRequestAdmin(ReadOnlyAuditedModelAdmin):
    list_display = ["id", "school", "amount", "goods", "state", "requested_at"]
    list_filter = ["state"]
    fields = ["school", "amount", "goods", "quantity", "state", "requested_at", "decided_at"]


@admin.register(ReversalRequest)
class ReversalRequestAdmin(ReadOnlyAuditedModelAdmin):
    list_display = ["id", "school", "entry", "state", "requested_at"]
    list_filter = ["state"]
    fields = ["school", "entry", "state", "requested_at", "decided_at", "reversal"]
