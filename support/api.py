"""The ledger's API.

- GET /api/v1/support/entries/: a school's ledger entries, with the pages' visibility rules
  (custodians, principals and vice principals of the school; anonymous donors and unseen
  recipients masked). Everyone else: 404. Only posted entries: a correction waiting for its
  second person is not an entry yet (``reversal_pending`` on the entry it would correct).
- GET /api/v1/support/stock/: the same people, the school's goods per item.
- GET /api/v1/support/totals/: the bureau's inspectors, per-school sums for a period; no names.
"""

from __future__ import annotations

from typing import Any, cast

from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from core.api import BaseApi, Pagination, error_responses, paginated
from core.errors import Invalid, NotFound
from support import selectors
from support.access import inspected_schools_for_user, ledger_school_for_user, ledger_schools_for_user
from support.forms import ApiFilterForm, ApiSchoolForm, PeriodForm
from support.selectors import EntryRow, SchoolTotals, StockRow


class EntryRowSerializer(serializers.Serializer[EntryRow]):
    id = serializers.IntegerField(source="entry.pk", read_only=True)
    date = serializers.DateField(source="entry.occurred_on", read_only=True)
    kind = serializers.CharField(source="entry.kind", read_only=True)
    reverses = serializers.IntegerField(source="entry.reverses_id", allow_null=True, read_only=True)
    amount = serializers.DecimalField(source="entry.amount", max_digits=12, decimal_places=2, read_only=True)
    effect = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True)
    goods = serializers.CharField(source="entry.goods", read_only=True)
    quantity = serializers.IntegerField(source="entry.quantity", allow_null=True, read_only=True)
    donor = serializers.CharField(read_only=True)
    case = serializers.IntegerField(source="case_id", allow_null=True, read_only=True)
    recipient = serializers.CharField(read_only=True)
    purpose = serializers.CharField(source="entry.purpose", read_only=True)
    reason = serializers.CharField(source="entry.reason", read_only=True)
    recorded_at = serializers.DateTimeField(source="entry.recorded_at", read_only=True)
    reversal_pending = serializers.BooleanField(
        read_only=True,
        help_text=gettext_lazy(
            "A correction of this entry waits for a principal's or vice principal's approval; "
            "the reversing entry appears, and the balance changes, only once it is approved."
        ),
    )


class EntryListView(BaseApi):
    @extend_schema(
        tags=["support"],
        operation_id="support_entries_list",
        summary="A school's poverty support ledger entries, newest first (custodians and school leaders)",
        parameters=[
            OpenApiParameter(
                "school", int, description=gettext_lazy("School id (needed if you keep several).")
            ),
            OpenApiParameter("since", str, description=gettext_lazy("From this ISO date (entry date).")),
            OpenApiParameter("until", str, description=gettext_lazy("Up to this ISO date (included).")),
        ],
        responses={200: EntryRowSerializer(many=True), **error_responses(400, 404)},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = self.user
        form = ApiFilterForm(request.query_params)
        if not form.is_valid():
            raise _invalid(form)
        school_id = _school_id(user, form)
        school, roles = ledger_school_for_user(user=user, school_id=school_id)
        entries = selectors.entry_list(
            school=school, since=form.cleaned_data["since"], until=form.cleaned_data["until"]
        )
        # One page of entries first, then their donors and recipients (not the whole ledger).
        paginator = Pagination()
        page = paginator.paginate_queryset(entries, request, view=self)
        assert page is not None  # page_size is set
        rows = selectors.entry_rows(user=user, roles=roles, entries=page)
        return paginator.get_paginated_response(
            EntryRowSerializer(cast(Any, rows), many=True, context={"request": request}).data
        )


def _school_id(user: Any, form: ApiSchoolForm | ApiFilterForm) -> int:
    """The ``school`` parameter, or the user's only ledger; 400 when they keep several."""
    school_id: int | None = form.cleaned_data["school"]
    if school_id is None:
        schools = ledger_schools_for_user(user=user)
        if not schools:
            raise NotFound(_("No such ledger."))
        if len(schools) > 1:
            raise Invalid(_("Choose a school."), errors={"school": [_("Choose a school.")]})
        school_id = schools[0].pk
    return school_id


def _invalid(form: Any) -> Invalid:
    return Invalid(_("Invalid filter."), errors={k: [str(m) for m in v] for k, v in form.errors.items()})


class StockRowSerializer(serializers.Serializer[StockRow]):
    item = serializers.IntegerField(source="item.pk", read_only=True)
    name = serializers.CharField(source="item.name", read_only=True)
    unit = serializers.CharField(source="item.unit", read_only=True)
    received = serializers.IntegerField(read_only=True)
    given_out = serializers.IntegerField(read_only=True)
    reversed = serializers.IntegerField(read_only=True)
    in_stock = serializers.IntegerField(read_only=True)


class StockView(BaseApi):
    @extend_schema(
        tags=["support"],
        operation_id="support_stock_list",
        summary="A school's goods: received, given out, reversed and in stock per item",
        parameters=[
            OpenApiParameter(
                "school", int, description=gettext_lazy("School id (needed if you keep several).")
            ),
        ],
        responses={200: StockRowSerializer(many=True), **error_responses(400, 404)},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = self.user
        form = ApiSchoolForm(request.query_params)
        if not form.is_valid():
            raise _invalid(form)
        school, _roles = ledger_school_for_user(user=user, school_id=_school_id(user, form))
        return paginated(request, self, selectors.goods_stock(school=school), StockRowSerializer)


class SchoolTotalsSerializer(serializers.Serializer[SchoolTotals]):
    school = serializers.IntegerField(source="school_id", read_only=True)
    name = serializers.CharField(source="school_name", read_only=True)
    code = serializers.CharField(source="school_code", read_only=True)
    donations = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)
    disbursements = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)
    reversals = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)
    closing = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)
    goods_received = serializers.IntegerField(read_only=True)
    goods_given_out = serializers.IntegerField(read_only=True)
    items_in_stock = serializers.IntegerField(read_only=True)
    units_in_stock = serializers.IntegerField(read_only=True)


class TotalsView(BaseApi):
    @extend_schema(
        tags=["support"],
        operation_id="support_totals_list",
        summary="Per-school ledger totals for a period, for the bureau's inspectors (sums only)",
        parameters=[
            OpenApiParameter("since", str, description=gettext_lazy("From this ISO date (entry date).")),
            OpenApiParameter("until", str, description=gettext_lazy("Up to this ISO date (included).")),
        ],
        responses={200: SchoolTotalsSerializer(many=True), **error_responses(400, 404)},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        schools = inspected_schools_for_user(user=self.user)
        today = timezone.localdate()
        form = PeriodForm(
            {
                "since": request.query_params.get("since") or today.replace(day=1).isoformat(),
                "until": request.query_params.get("until") or today.isoformat(),
            }
        )
        if not form.is_valid():
            raise _invalid(form)
        totals = selectors.city_totals(
            schools=schools, since=form.cleaned_data["since"], until=form.cleaned_data["until"]
        )
        return paginated(request, self, totals, SchoolTotalsSerializer)


urlpatterns = [
    path("support/entries/", EntryListView.as_view(), name="api-support-entry-list"),
    path("support/stock/", StockView.as_view(), name="api-support-stock"),
    path("support/totals/", TotalsView.as_view(), name="api-support-totals"),
]
