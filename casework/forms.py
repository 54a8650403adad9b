"""Forms of the case pages. They check the shape of the input; the services decide the rest."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from casework.models import Case, Category, HomeVisit, RiskLevel, State
from casework.notes import MAX_NOTE_LENGTH
from casework.selectors import counsellor_list_for_case
from casework.services.breakglass import MAX_COMMENT_LENGTH, MAX_REASON_LENGTH, MIN_REASON_LENGTH
from core.forms import local_datetime, textarea
from schools.forms import StaffChoiceField
from schools.models import Guardian, Pupil, School


class CaseFilterForm(forms.Form):
    """The case list's filters; the school filter only for people who see several schools."""

    q = forms.CharField(label=_("Pupil name"), max_length=64, required=False)
    state = forms.ChoiceField(label=_("State"), required=False)
    category = forms.ChoiceField(label=_("Category"), required=False)
    school = forms.ModelChoiceField(
        label=_("School"), queryset=School.objects.none(), required=False, empty_label=_("All schools")
    )
    mine = forms.BooleanField(label=_("Mine only"), required=False)

    def __init__(self, data: QueryDict, *, schools: QuerySet[School]) -> None:
        super().__init__(data)
        state_field = self.fields["state"]
        category_field = self.fields["category"]
        assert isinstance(state_field, forms.ChoiceField)
        assert isinstance(category_field, forms.ChoiceField)
        state_field.choices = [("", _("All states")), *State.choices]
        category_field.choices = [("", _("All categories")), *Category.choices]
        school_list = list(schools)
        if len(school_list) > 1:
            school_field = self.fields["school"]
            assert isinstance(school_field, forms.ModelChoiceField)
            school_field.queryset = schools
        else:
            del self.fields["school"]


class CaseOpenForm(forms.Form):
    categories = forms.MultipleChoiceField(
        label=_("Categories"), choices=Category.choices, widget=forms.CheckboxSelectMultiple
    )
    summary = forms.CharField(label=_("Why the pupil needs help"), widget=textarea(5), max_length=5000)
    risk_level = forms.ChoiceField(
        label=_("Risk level"), choices=RiskLevel.choices, initial=RiskLevel.MEDIUM, widget=forms.RadioSelect
    )


class TransitionForm(forms.Form):
    """The comment of a transition; whether it is required is the service's to say."""

    comment = forms.CharField(label=_("Comment"), widget=textarea(3), required=False)
    # Only the close transition takes it; the service says when it is missing or not wanted.
    outcome = forms.CharField(label=_("Outcome"), max_length=32, required=False)


class PlanForm(forms.Form):
    goals = forms.CharField(label=_("Goals"), widget=textarea(4))
    measures = forms.CharField(label=_("Measures"), widget=textarea(5))
    schedule = forms.CharField(label=_("Schedule"), widget=textarea(3), required=False)
    responsible_staff = forms.CharField(label=_("Responsible staff"), widget=textarea(2), required=False)


class PlanDecisionForm(forms.Form):
    """The principal's decision on the approval page: approve, or return with a reason."""

    APPROVE, RETURN = "approve", "return"
    decision = forms.ChoiceField(choices=[(APPROVE, APPROVE), (RETURN, RETURN)], widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason for returning the plan"),
        help_text=_("The paired teacher sees it at the top of the case and on their task."),
        widget=textarea(4),
        max_length=2000,
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == self.RETURN and not (data.get("reason") or "").strip():
            self.add_error("reason", gettext("Give the reason for returning the plan."))
        return data


class AppointmentForm(forms.Form):
    """The appointment agreed with the guardians: for when, how, with whom, and when it was
    agreed. The same fields wherever an appointment is made (a visit's page or a case's), in
    the template ``casework/_appointment_fields.html``."""

    scheduled_for = forms.DateTimeField(label=_("Time of the visit"), widget=local_datetime())
    method = forms.ChoiceField(
        label=_("Agreed by"), choices=HomeVisit.Method.choices, initial=HomeVisit.Method.PHONE
    )
    guardian = forms.ModelChoiceField(
        label=_("Guardian"), queryset=Guardian.objects.none(), required=False, empty_label=_("Someone else")
    )
    with_name = forms.CharField(label=_("Or the name of who agreed"), max_length=100, required=False)
    agreed_at = forms.DateTimeField(
        label=_("When it was agreed"),
        widget=local_datetime(),
        required=False,
        help_text=_("Leave empty for now."),
    )
    note = forms.CharField(label=_("Note"), max_length=255, required=False)

    def __init__(
        self, data: QueryDict | None = None, *, pupil: Pupil, initial: dict[str, Any] | None = None
    ) -> None:
        super().__init__(data, initial=initial)
        field = self.fields["guardian"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Guardian.objects.filter(pupil=pupil).order_by("position")

    @staticmethod
    def initial_for(visit: HomeVisit) -> dict[str, Any]:
        if visit.scheduled_for is None:
            return {}
        return {
            "scheduled_for": visit.scheduled_for,
            "method": visit.appointment_method,
            "guardian": visit.appointment_guardian_id,
            "with_name": "" if visit.appointment_guardian_id else visit.appointment_with,
            "agreed_at": visit.appointment_agreed_at,
            "note": visit.appointment_note,
        }

    def service_arguments(self) -> dict[str, Any]:
        """The cleaned appointment as the services take it (visit_schedule, visit_appoint)."""
        data = self.cleaned_data
        guardian = data.get("guardian")
        return {
            "scheduled_for": data["scheduled_for"],
            "method": data["method"],
            "guardian_id": guardian.pk if guardian else None,
            "with_name": data.get("with_name", ""),
            "agreed_at": data.get("agreed_at"),
        }


class VisitScheduleForm(AppointmentForm):
    """A case's worker plans a visit and records its appointment in one step: the kind of visit,
    then the same appointment fields as on a visit's page."""

    kind = forms.ChoiceField(
        label=_("Kind of visit"),
        choices=HomeVisit.Kind.choices,
        initial=HomeVisit.Kind.GENERAL,
        widget=forms.RadioSelect,
    )
    field_order = ["kind"]


class VisitRecordForm(forms.Form):
    visited_at = forms.DateTimeField(label=_("Visited at"), widget=local_datetime())
    family_situation = forms.CharField(label=_("Family situation"), widget=textarea(), required=False)
    growth_environment = forms.CharField(label=_("Growth environment"), widget=textarea(), required=False)
    home_behaviour = forms.CharField(label=_("Behaviour at home"), widget=textarea(), required=False)
    study_habits = forms.CharField(label=_("Study habits"), widget=textarea(), required=False)
    living_habits = forms.CharField(label=_("Living habits"), widget=textarea(), required=False)
    school_life_feedback = forms.CharField(
        label=_("Feedback given on the pupil's school life"), widget=textarea(), required=False
    )
    parents_opinions = forms.CharField(
        label=_("Parents' opinions and suggestions"), widget=textarea(), required=False
    )
    policies_explained = forms.CharField(
        label=_("Education policies explained"), widget=textarea(), required=False
    )
    measures_agreed = forms.CharField(
        label=_("Measures agreed with the parents"), widget=textarea(), required=False
    )
    reflection = forms.CharField(label=_("Your reflection (反思/体会)"), widget=textarea(), required=False)
    no_gifts_pledge = forms.BooleanField(
        label=_("I accepted no banquet and no gift from the family (清廉家访)"),
        help_text=_("Needed to record the visit."),
        required=False,
    )

    @classmethod
    def initial_for(cls, visit: HomeVisit) -> dict[str, Any]:
        """The record as filed, or the appointment time as a starting point for a new record."""
        initial: dict[str, Any] = {name: getattr(visit, name) for name in HomeVisit.RECORD_FIELDS}
        if visit.visited_at is None and visit.scheduled_for and visit.scheduled_for <= timezone.now():
            initial["visited_at"] = visit.scheduled_for
        return initial


class CounsellorForm(forms.Form):
    counsellor = StaffChoiceField(label=_("Counsellor"), queryset=User.objects.none())

    def __init__(self, data: QueryDict | None = None, *, case: Case) -> None:
        super().__init__(data)
        field = self.fields["counsellor"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = counsellor_list_for_case(case=case)


class NoteForm(forms.Form):
    """Checked by ``casework.notes.note_create`` only: access comes before the content's checks."""

    content = forms.CharField(
        label=_("New note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": MAX_NOTE_LENGTH, "required": True}),
    )


class BreakGlassForm(forms.Form):
    """The reason for an emergency access; the service checks its length again."""

    reason = forms.CharField(
        label=_("Why do you need to read the notes now?"),
        min_length=MIN_REASON_LENGTH,
        max_length=MAX_REASON_LENGTH,
        widget=textarea(5),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Interpolated per request, in the request's language.
        self.fields["reason"].help_text = gettext(
            "At least %(min)s characters. The case's counsellors and the bureau's inspectors will read it."
        ) % {"min": MIN_REASON_LENGTH}


class BreakGlassReviewForm(forms.Form):
    comment = forms.CharField(label=_("Review comment"), max_length=MAX_COMMENT_LENGTH, widget=textarea(3))


class BreakGlassFilterForm(forms.Form):
    reviewed = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[("no", _("Not yet reviewed")), ("yes", _("Reviewed")), ("all", _("All"))],
    )
