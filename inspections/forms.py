"""Forms of the inspection pages. They check the shape of the input; the services decide the rest."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from casework.models import Case
from core.forms import CHOOSE, textarea
from inspections.models import ChecklistItem, ChecklistResult, Inspection, Notice, Rating, Rectification
from schools.forms import StaffMultipleChoiceField
from schools.models import Pupil, School


def _date() -> forms.DateInput:
    return forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


class UserChoiceField(StaffMultipleChoiceField):
    """Inspectors or teachers by real name and role (schools.forms.StaffMultipleChoiceField)."""


class CaseChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"#{obj.pk} · {obj.pupil.name}"


class PupilChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.student_number})"


class InspectionFilterForm(forms.Form):
    school = forms.ModelChoiceField(
        label=_("School"), queryset=School.objects.none(), required=False, empty_label=_("All schools")
    )
    state = forms.ChoiceField(label=_("State"), required=False)
    overdue = forms.BooleanField(label=_("With overdue rectifications"), required=False)

    def __init__(self, data: QueryDict, *, schools: QuerySet[School]) -> None:
        super().__init__(data)
        school_field = self.fields["school"]
        state_field = self.fields["state"]
        assert isinstance(school_field, forms.ModelChoiceField)
        assert isinstance(state_field, forms.ChoiceField)
        school_field.queryset = schools
        state_field.choices = [("", _("All states")), *Inspection.State.choices]


class InspectionCreateForm(forms.Form):
    school = forms.ModelChoiceField(label=_("School"), queryset=School.objects.none(), empty_label=CHOOSE)
    inspected_on = forms.DateField(label=_("Inspected on"), widget=_date())
    inspectors = UserChoiceField(
        label=_("Other inspectors"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self, data: QueryDict | None = None, *, schools: QuerySet[School], inspectors: QuerySet[User]
    ) -> None:
        super().__init__(data, initial={"inspected_on": timezone.localdate()})
        school_field = self.fields["school"]
        inspector_field = self.fields["inspectors"]
        assert isinstance(school_field, forms.ModelChoiceField)
        assert isinstance(inspector_field, forms.ModelMultipleChoiceField)
        school_field.queryset = schools
        inspector_field.queryset = inspectors


class InspectionEditForm(forms.Form):
    """The draft: date, inspectors, sampled cases, families visited, summary and rating. The
    checklist rows are extra fields ``result_<item id>`` and ``note_<item id>``."""

    inspected_on = forms.DateField(label=_("Inspected on"), widget=_date())
    inspectors = UserChoiceField(
        label=_("Other inspectors"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    sampled_cases = CaseChoiceField(
        label=_("Sampled cases"),
        queryset=Case.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    families_visited = PupilChoiceField(
        label=_("Pupils' families visited"),
        queryset=Pupil.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    summary = forms.CharField(label=_("Summary of findings"), widget=textarea(5), required=False)
    rating = forms.ChoiceField(
        label=_("Rating"), choices=[("", _("not rated yet")), *Rating.choices], required=False
    )

    def __init__(
        self,
        data: QueryDict | None = None,
        *,
        items: list[ChecklistItem],
        inspectors: QuerySet[User],
        cases: QuerySet[Case],
        pupils: QuerySet[Pupil],
        initial: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(data, initial=initial)
        for name, queryset in (
            ("inspectors", inspectors),
            ("sampled_cases", cases),
            ("families_visited", pupils),
        ):
            field = self.fields[name]
            assert isinstance(field, forms.ModelMultipleChoiceField)
            field.queryset = queryset
        self.items = items
        for item in items:
            self.fields[f"result_{item.pk}"] = forms.ChoiceField(
                label=item.label,
                choices=ChecklistResult.choices,
                initial=ChecklistResult.NOT_CHECKED,
                widget=forms.RadioSelect,
            )
            self.fields[f"note_{item.pk}"] = forms.CharField(
                label=_("Note"),
                max_length=500,
                required=False,
                widget=forms.TextInput(attrs={"placeholder": _("Note")}),
            )

    def checklist_rows(self) -> list[tuple[ChecklistItem, forms.BoundField, forms.BoundField]]:
        return [(item, self[f"result_{item.pk}"], self[f"note_{item.pk}"]) for item in self.items]


class FindingForm(forms.Form):
    text = forms.CharField(label=_("Finding"), widget=textarea(3), max_length=10000)
    needs_rectification = forms.BooleanField(label=_("Needs rectification"), required=False)


class RectificationOpenForm(forms.Form):
    deadline = forms.DateField(label=_("Deadline"), widget=_date())


class AnswerForm(forms.Form):
    response = forms.CharField(
        label=_("What the school has done"), widget=textarea(5), required=False, max_length=10000
    )


class CommentForm(forms.Form):
    comment = forms.CharField(label=_("Comment"), widget=textarea(3), required=False, max_length=10000)


class RectificationFilterForm(forms.Form):
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    state = forms.ChoiceField(label=_("State"), required=False)

    def __init__(self, data: QueryDict) -> None:
        super().__init__(data)
        field = self.fields["state"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("All states")), *Rectification.State.choices]


class SchoolPickForm(forms.Form):
    school = forms.ModelChoiceField(label=_("School"), queryset=School.objects.none(), empty_label=CHOOSE)

    def __init__(self, data: QueryDict | None = None, *, schools: QuerySet[School]) -> None:
        super().__init__(data)
        field = self.fields["school"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = schools


class InspectionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(_("Inspection %(id)s of %(date)s") % {"id": obj.pk, "date": obj.inspected_on.isoformat()})


class NoticeForm(forms.Form):
    """A notice for one school (chosen before, in the address)."""

    kind = forms.ChoiceField(label=_("Kind"), choices=Notice.Kind.choices, widget=forms.RadioSelect)
    title = forms.CharField(label=_("Title"), max_length=200)
    text = forms.CharField(label=_("Text"), widget=textarea(6), max_length=10000)
    issued_on = forms.DateField(label=_("Issued on"), widget=_date())
    teachers = UserChoiceField(
        label=_("Teachers named"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    inspection = InspectionChoiceField(
        label=_("Following the inspection"),
        queryset=Inspection.objects.none(),
        required=False,
        empty_label=_("none"),
    )

    def __init__(
        self,
        data: QueryDict | None = None,
        *,
        staff: QuerySet[User],
        inspections: QuerySet[Inspection],
        initial: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(data, initial={"issued_on": timezone.localdate(), **(initial or {})})
        teachers = self.fields["teachers"]
        inspection = self.fields["inspection"]
        assert isinstance(teachers, forms.ModelMultipleChoiceField)
        assert isinstance(inspection, forms.ModelChoiceField)
        teachers.queryset = staff
        inspection.queryset = inspections


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Reason for withdrawal"), widget=textarea(3), required=False)
