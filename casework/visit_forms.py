"""Forms of the home-visit pages. They check the shape of the input; the services decide the rest."""

from __future__ import annotations

from django import forms
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from casework.forms import VisitRecordForm
from casework.models import HomeVisit, VisitGiftReport, VisitKind, VisitPlan
from core.forms import CHOOSE, textarea
from schools.forms import StaffMultipleChoiceField
from schools.models import Campaign, Classroom, Pupil, Term


def _staff_choice(queryset: QuerySet[User], *, required: bool = False) -> forms.ModelMultipleChoiceField:
    return StaffMultipleChoiceField(
        label=_("Who visits"), queryset=queryset, required=required, widget=forms.CheckboxSelectMultiple
    )


class VisitFilterForm(forms.Form):
    SCOPES = [("mine", _("My visits")), ("all", _("All visits I may see"))]

    scope = forms.ChoiceField(label=_("Show"), choices=SCOPES, required=False)
    stage = forms.ChoiceField(label=_("Stage"), required=False)
    kind = forms.ChoiceField(label=_("Kind of visit"), required=False)
    q = forms.CharField(label=_("Pupil name"), max_length=64, required=False)

    def __init__(self, data: QueryDict) -> None:
        super().__init__(data)
        stage = self.fields["stage"]
        kind = self.fields["kind"]
        assert isinstance(stage, forms.ChoiceField) and isinstance(kind, forms.ChoiceField)
        stage.choices = [("", _("All stages")), *HomeVisit.Stage.choices]
        kind.choices = [("", _("All kinds")), *VisitKind.choices]


class VisitCreateForm(forms.Form):
    """Plan one visit to a pupil (包人)."""

    kind = forms.ChoiceField(
        label=_("Kind of visit"),
        choices=VisitKind.choices,
        initial=VisitKind.GENERAL,
        widget=forms.RadioSelect,
    )

    def __init__(self, data: QueryDict | None = None, *, staff: QuerySet[User] | None = None) -> None:
        super().__init__(data)
        if staff is not None:  # leaders and administrators choose who visits; teachers go themselves
            self.fields["participants"] = _staff_choice(staff)


RecordForm = VisitRecordForm  # the whole record, as on the case pages


class GiftReportForm(forms.Form):
    what = forms.CharField(label=_("What was offered"), max_length=255)
    offered_on = forms.DateField(label=_("Offered on"), widget=forms.DateInput(attrs={"type": "date"}))
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=VisitGiftReport.Outcome.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(label=_("Note"), widget=textarea(3), required=False, max_length=4000)


class FollowUpForm(forms.Form):
    def __init__(self, data: QueryDict | None = None, *, staff: QuerySet[User]) -> None:
        super().__init__(data)
        self.fields["participants"] = _staff_choice(staff)
        self.fields["participants"].label = _("Colleagues who come too")


class VisitPlanForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=128)
    grouping = forms.ChoiceField(label=_("Shared out"), choices=VisitPlan.Grouping.choices)
    kind = forms.ChoiceField(label=_("Kind of visit"), choices=VisitKind.choices, initial=VisitKind.GENERAL)
    campaign = forms.ModelChoiceField(
        label=_("Campaign year"), queryset=Campaign.objects.none(), required=False, empty_label=CHOOSE
    )
    term = forms.ModelChoiceField(
        label=_("Term"), queryset=Term.objects.none(), required=False, empty_label=_("Whole year")
    )
    area_label = forms.CharField(label=_("Area"), max_length=128, required=False)
    classroom = forms.ModelChoiceField(
        label=_("Class"), queryset=Classroom.objects.none(), required=False, empty_label=_("All classes")
    )
    starts_on = forms.DateField(label=_("Starts on"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("Ends on"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, data: QueryDict | None = None, *, school_id: int, bureau_id: int) -> None:
        super().__init__(data)
        campaign = self.fields["campaign"]
        term = self.fields["term"]
        classroom = self.fields["classroom"]
        assert isinstance(campaign, forms.ModelChoiceField)
        assert isinstance(term, forms.ModelChoiceField)
        assert isinstance(classroom, forms.ModelChoiceField)
        campaign.queryset = Campaign.objects.filter(bureau_id=bureau_id).order_by("-year")
        term.queryset = Term.objects.select_related("academic_year").order_by("-starts_on")
        classroom.queryset = (
            Classroom.objects.filter(school_id=school_id)
            .select_related("academic_year")
            .order_by("-academic_year__starts_on", "grade", "number")
        )


class PlanAssignForm(forms.Form):
    pupils = forms.ModelMultipleChoiceField(
        label=_("Pupils"), queryset=Pupil.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(
        self, data: QueryDict | None = None, *, pupils: QuerySet[Pupil], staff: QuerySet[User]
    ) -> None:
        super().__init__(data)
        field = self.fields["pupils"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = pupils
        self.fields["participants"] = _staff_choice(staff, required=True)
