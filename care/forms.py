"""Forms of the care pages. They check the shape of the input; the services decide the rest."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from care.models import MAX_MINUTES, MAX_SCORE, Attendance, Level, SpecialGroupArchive, Subject
from casework.notes import MAX_NOTE_LENGTH
from core.forms import textarea
from schools.forms import StaffChoiceField


def _date() -> forms.DateInput:
    return forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


class TutoringForm(forms.Form):
    held_on = forms.DateField(label=_("Date"), widget=_date())
    subject = forms.ChoiceField(label=_("Subject"), choices=Subject.choices)
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"), min_value=1, max_value=MAX_MINUTES, initial=45
    )
    tutor = StaffChoiceField(label=_("Tutor"), queryset=User.objects.none())
    content = forms.CharField(label=_("What was taught"), widget=textarea(4))
    outcome = forms.CharField(label=_("Outcome"), widget=textarea(3), required=False)
    level = forms.TypedChoiceField(
        label=_("Mastery (1–5)"),
        choices=[("", _("not assessed")), *Level.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    score = forms.DecimalField(
        label=_("Test score"),
        min_value=0,
        max_value=MAX_SCORE,
        max_digits=5,
        decimal_places=1,
        required=False,
        help_text=_("Optional: the mark of a short test, out of at most 150."),
    )

    def __init__(self, *args: Any, staff: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["tutor"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = staff


class CounsellingForm(forms.Form):
    held_on = forms.DateField(label=_("Date"), widget=_date())
    attendance = forms.ChoiceField(
        label=_("Attendance"),
        choices=Attendance.choices,
        initial=Attendance.ATTENDED,
        widget=forms.RadioSelect,
    )
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"), min_value=1, max_value=MAX_MINUTES, required=False
    )
    next_session_on = forms.DateField(label=_("Next session"), widget=_date(), required=False)
    content = forms.CharField(
        label=_("What the session was about (confidential)"),
        help_text=_("Kept as a confidential note: only the counsellors granted on this case can read it."),
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": MAX_NOTE_LENGTH}),
        required=False,
    )


class ArchiveForm(forms.Form):
    left_behind = forms.BooleanField(label=_("left-behind child"), required=False)
    single_parent = forms.BooleanField(label=_("single-parent family"), required=False)
    migrant_child = forms.BooleanField(label=_("migrant workers' child"), required=False)
    family = forms.CharField(label=_("Family situation"), widget=textarea(4))
    guardianship = forms.CharField(
        label=_("Guardians and who looks after the pupil"), widget=textarea(3), required=False
    )
    parents_work = forms.CharField(label=_("Where the parents work"), widget=textarea(2), required=False)
    contact = forms.CharField(label=_("How to reach the family"), widget=textarea(2), required=False)

    @classmethod
    def initial_for(cls, archive: SpecialGroupArchive | None, pupil: Any) -> dict[str, Any]:
        """The record as kept, or the roster's group markers as a starting point."""
        if archive is not None:
            return {name: getattr(archive, name) for name in cls.base_fields}
        return {name: getattr(pupil, name) for name in SpecialGroupArchive.GROUP_FIELDS}


class ArchiveEntryForm(forms.Form):
    year = forms.IntegerField(label=_("Campaign year"), min_value=2000, max_value=2100)
    record = forms.CharField(label=_("What was recorded this year"), widget=textarea(4))
    analysis = forms.CharField(label=_("Analysis"), widget=textarea(4), required=False)
    support = forms.CharField(label=_("Support given and its effect"), widget=textarea(4), required=False)

    @staticmethod
    def this_year() -> int:
        return timezone.localdate().year
