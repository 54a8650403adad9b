"""Forms of the programme calendar pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import CHOOSE
from schools.calendar import FIRST_YEAR, LAST_YEAR
from schools.models import Bureau


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class CampaignCreateForm(forms.Form):
    """The year of a new campaign; the bureau too for someone who inspects several."""

    bureau = forms.ModelChoiceField(
        label=_("Education bureau"), queryset=Bureau.objects.none(), empty_label=CHOOSE
    )
    year = forms.IntegerField(label=_("Year"), min_value=FIRST_YEAR, max_value=LAST_YEAR)

    def __init__(self, *args: Any, bureaus: QuerySet[Bureau], **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"year": timezone.localdate().year})
        super().__init__(*args, **kwargs)
        field = self.fields["bureau"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = bureaus
        choices = list(bureaus[:2])
        if len(choices) == 1:
            field.initial = choices[0].pk
            field.widget = forms.HiddenInput()


class PhaseDatesForm(forms.Form):
    starts_on = forms.DateField(label=_("Starts on"), widget=DateInput())
    ends_on = forms.DateField(label=_("Ends on"), widget=DateInput())
