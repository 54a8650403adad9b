"""Forms of the six-ones pages. They check the shape of the input; the services decide the rest."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from casework.models import Case, HomeVisit
from core.forms import CHOOSE
from schools.forms import StaffMultipleChoiceField
from schools.models import Pupil, School


class _VisitChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{timezone.localtime(obj.visited_at):%Y-%m-%d} {obj.pupil.name}"


class _CaseChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"#{obj.pk} {obj.pupil.name}"


class _StaffChoice(StaffMultipleChoiceField):
    """Teachers by real name and role (schools.forms.StaffMultipleChoiceField)."""


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def add_school_choice(form: forms.Form, schools: QuerySet[School]) -> None:
    """Staff of several schools say which one a record is for (the service refuses to guess)."""
    if schools.count() > 1:
        form.fields["school"] = forms.ModelChoiceField(
            label=_("School"), queryset=schools, empty_label=CHOOSE
        )


class EssayForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=120)
    written_on = forms.DateField(label=_("Written on"), widget=_date_input(), initial=timezone.localdate)
    visit = _VisitChoice(label=_("About the home visit"), queryset=HomeVisit.objects.none(), required=False)
    body = forms.CharField(label=_("Essay"), widget=forms.Textarea(attrs={"rows": 12}), max_length=8000)

    def __init__(
        self, *args: Any, visits: QuerySet[HomeVisit], schools: QuerySet[School], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        add_school_choice(self, schools)
        field = self.fields["visit"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = visits


class MeetingForm(forms.Form):
    held_on = forms.DateField(label=_("Held on"), widget=_date_input(), initial=timezone.localdate)
    topic = forms.CharField(label=_("Topic"), max_length=120)
    organisers = _StaffChoice(
        label=_("Organisers"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The teachers who held the meeting: it counts for each of them."),
    )
    attendee_count = forms.IntegerField(label=_("Number of attendees"), min_value=1, max_value=10000)
    attendees = forms.CharField(
        label=_("Attendees"), widget=forms.Textarea(attrs={"rows": 3}), max_length=8000
    )
    minutes = forms.CharField(label=_("Minutes"), widget=forms.Textarea(attrs={"rows": 10}), max_length=8000)

    def __init__(self, *args: Any, staff: QuerySet[User], schools: QuerySet[School], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        add_school_choice(self, schools)
        field = self.fields["organisers"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = staff


class ActForm(forms.Form):
    done_on = forms.DateField(label=_("Done on"), widget=_date_input(), initial=timezone.localdate)
    case = _CaseChoice(
        label=_("Case"), queryset=Case.objects.none(), required=False, empty_label=_("No case")
    )
    pupil = forms.ModelChoiceField(
        label=_("Pupil"),
        queryset=Pupil.objects.none(),
        required=False,
        empty_label=CHOOSE,
        help_text=_("Leave empty when you chose a case."),
    )
    what = forms.CharField(
        label=_("What was done"), widget=forms.Textarea(attrs={"rows": 5}), max_length=8000
    )

    def __init__(self, *args: Any, cases: QuerySet[Case], pupils: QuerySet[Pupil], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        case = self.fields["case"]
        pupil = self.fields["pupil"]
        assert isinstance(case, forms.ModelChoiceField) and isinstance(pupil, forms.ModelChoiceField)
        case.queryset = cases
        pupil.queryset = pupils

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("case") and not data.get("pupil"):
            self.add_error("pupil", _("Choose a pupil or a case."))
        return data


class ExemplaryForm(forms.Form):
    exemplary = forms.BooleanField(required=False)
