"""Forms of the opinion pages; the services do the real checks."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from opinions.models import ParentOpinion
from opinions.services import MAX_TEXT
from schools.forms import StaffChoiceField
from schools.models import Pupil


class OpinionFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("State"), required=False)
    about = forms.ChoiceField(label=_("About"), required=False)
    channel = forms.ChoiceField(label=_("Received by"), required=False)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def __init__(self, data: QueryDict) -> None:
        super().__init__(data)
        state = self.fields["state"]
        about = self.fields["about"]
        channel = self.fields["channel"]
        assert isinstance(state, forms.ChoiceField) and isinstance(about, forms.ChoiceField)
        assert isinstance(channel, forms.ChoiceField)
        state.choices = [("", _("All states")), *ParentOpinion.State.choices]
        about.choices = [("", _("All")), *ParentOpinion.About.choices]
        channel.choices = [("", _("All")), *ParentOpinion.Channel.choices]


class OpinionRaiseForm(forms.Form):
    about = forms.ChoiceField(label=_("The opinion is about"), choices=ParentOpinion.About.choices)
    about_teacher = StaffChoiceField(
        label=_("Teacher concerned"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("No one in particular"),
    )
    guardian_name = forms.CharField(label=_("Guardian's name"), max_length=100, required=False)
    text = forms.CharField(
        label=_("The parents' opinion"), widget=forms.Textarea(attrs={"rows": 5}), max_length=MAX_TEXT
    )

    def __init__(self, *args: Any, staff: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["about_teacher"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = staff


class PupilNumberField(forms.ModelChoiceField):
    """A pupil of the school by student number (a text box: a school has too many for a list)."""

    default_error_messages = {"invalid_choice": _("No pupil of the school has this student number.")}


class OpinionReceiveForm(forms.Form):
    """An opinion received another way than on a home visit."""

    channel = forms.ChoiceField(
        label=_("Received by"),
        choices=[c for c in ParentOpinion.Channel.choices if c[0] != ParentOpinion.Channel.VISIT],
    )
    raised_on = forms.DateField(label=_("Received on"), widget=forms.DateInput(attrs={"type": "date"}))
    about = forms.ChoiceField(label=_("The opinion is about"), choices=ParentOpinion.About.choices)
    about_teacher = StaffChoiceField(
        label=_("Teacher concerned"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("No one in particular"),
    )
    pupil = PupilNumberField(
        label=_("Pupil's student number"),
        queryset=Pupil.objects.none(),
        to_field_name="student_number",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text=_("Leave empty when the opinion concerns the school in general."),
    )
    guardian_name = forms.CharField(label=_("Guardian's name"), max_length=100, required=False)
    text = forms.CharField(
        label=_("The parents' opinion"), widget=forms.Textarea(attrs={"rows": 5}), max_length=MAX_TEXT
    )

    def __init__(self, *args: Any, school_id: int, staff: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        teacher = self.fields["about_teacher"]
        pupil = self.fields["pupil"]
        assert isinstance(teacher, forms.ModelChoiceField) and isinstance(pupil, forms.ModelChoiceField)
        teacher.queryset = staff
        pupil.queryset = Pupil.objects.filter(school_id=school_id)


class PlanForm(forms.Form):
    plan = forms.CharField(
        label=_("Rectification plan"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=MAX_TEXT,
    )


class CompleteForm(forms.Form):
    answer = forms.CharField(
        label=_("Answer given to the parents"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=MAX_TEXT,
    )
    answered_to_parents_on = forms.DateField(
        label=_("Parents told on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class StudyForm(forms.Form):
    pass
