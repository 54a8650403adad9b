"""Forms of the support ledger pages; the services check everything again."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casework.models import Case
from core.forms import CHOOSE
from support.models import GoodsItem

MONEY = {"max_digits": 12, "decimal_places": 2, "min_value": Decimal("0.00"), "required": False}


class DonationForm(forms.Form):
    occurred_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    donor_name = forms.CharField(label=_("Donor"), max_length=128)
    donor_is_staff = forms.BooleanField(label=_("The donor is a member of staff"), required=False)
    donor_anonymous = forms.BooleanField(label=_("Show the donor as anonymous"), required=False)
    amount = forms.DecimalField(label=_("Amount (yuan)"), **MONEY)  # type: ignore[arg-type]
    goods = forms.CharField(label=_("Goods"), max_length=200, required=False)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, required=False)
    unit = forms.CharField(
        label=_("Unit"),
        max_length=16,
        required=False,
        help_text=_("For example 件, 本 or 箱; set by the first donation of these goods."),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["occurred_on"].initial = timezone.localdate()


class CaseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Case) -> str:
        return f"#{obj.pk} · {obj.pupil.name}"


class DisbursementForm(forms.Form):
    case = CaseChoiceField(label=_("Case"), queryset=Case.objects.none(), empty_label=CHOOSE)
    amount = forms.DecimalField(label=_("Amount (yuan)"), **MONEY)  # type: ignore[arg-type]
    goods = forms.ChoiceField(label=_("Goods"), required=False)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, required=False)
    purpose = forms.CharField(label=_("Purpose"), max_length=300)

    def __init__(self, *args: object, school_id: int, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["case"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = (
            Case.objects.filter(school_id=school_id).select_related("pupil").order_by("pupil__name")
        )
        goods = self.fields["goods"]
        assert isinstance(goods, forms.ChoiceField)
        # Only goods the school has: the service checks the stock again under the lock.
        goods.choices = [
            ("", _("No goods")),
            *(
                (item.name, f"{item.name} ({item.stock}{item.unit})")
                for item in GoodsItem.objects.filter(school_id=school_id, stock__gt=0).order_by("name")
            ),
        ]


class ReverseForm(forms.Form):
    reason = forms.CharField(label=_("Reason for the correction"), max_length=300)


class RejectForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class PeriodForm(forms.Form):
    since = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if isinstance(since, datetime.date) and isinstance(until, datetime.date) and since > until:
            raise forms.ValidationError(_("The period must start before it ends."))
        return data


class ApiSchoolForm(forms.Form):
    school = forms.IntegerField(required=False, min_value=1)


class ApiFilterForm(forms.Form):
    school = forms.IntegerField(required=False, min_value=1)
    since = forms.DateField(required=False)
    until = forms.DateField(required=False)
