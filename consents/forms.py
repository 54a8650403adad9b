"""Forms of the consent pages. They check the shape of the input; the services decide the rest."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from consents.models import Purpose
from consents.services import NAME_MAX, REASON_MAX
from schools.models import Guardian

DECISIONS = [("yes", _("The guardian gives consent")), ("no", _("The guardian refuses"))]


class ConsentForm(forms.Form):
    purpose = forms.ChoiceField(label=_("For what"), choices=Purpose.choices)
    decision = forms.ChoiceField(label=_("Decision"), choices=DECISIONS, widget=forms.RadioSelect)
    guardian = forms.ModelChoiceField(
        label=_("Guardian"),
        queryset=Guardian.objects.none(),
        required=False,
        empty_label=_("— another person, named below —"),
    )
    guardian_name = forms.CharField(
        label=_("Name, if not listed"),
        max_length=NAME_MAX,
        required=False,
        help_text=_("The name of the person who decided, as they gave it."),
    )

    def __init__(self, *args: Any, guardians: QuerySet[Guardian], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["guardian"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = guardians

    def service_data(self) -> dict[str, Any]:
        """The cleaned data as ``consents.services.consent_record`` takes it."""
        data = self.cleaned_data
        guardian = data.get("guardian")
        return {
            "purpose": data["purpose"],
            "granted": data["decision"] == "yes",
            "guardian_id": guardian.pk if guardian is not None else None,
            "guardian_name": data.get("guardian_name", ""),
        }


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("How the guardian withdrew the consent"),
        max_length=REASON_MAX,
        help_text=_("Who, when and how, e.g. “the mother, by phone, on 3 March”."),
    )
