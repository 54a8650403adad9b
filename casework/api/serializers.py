"""What the case API reads and returns. Input serializers check shapes, types and choices; the
services decide who may act and what the case needs (their messages and codes win)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from casework.models import (
    BreakGlassRole,
    Case,
    Category,
    ClosureOutcome,
    HomeVisit,
    RiskLevel,
    State,
    SupportPlan,
    VisitGiftReport,
    VisitKind,
    VisitPlan,
)
from casework.selectors import available_transitions
from casework.transitions import TRANSITIONS
from schools.selectors import school_list_for_user

# Longest free text accepted in one field; the models' TextFields have no limit of their own.
MAX_TEXT = 20_000


# -- cases -------------------------------------------------------------------------------------


class CaseSerializer(serializers.ModelSerializer[Case]):
    """One row of the case list: everything comes from the row, its joins and one prefetch."""

    categories = serializers.ListField(
        child=serializers.ChoiceField(choices=Category.choices), source="category_codes", read_only=True
    )
    owner_name = serializers.CharField(source="owner.get_full_name", read_only=True)
    pupil_name = serializers.CharField(source="pupil.name", read_only=True)

    class Meta:
        model = Case
        fields = [
            "id",
            "state",
            "categories",
            "owner",
            "owner_name",
            "school",
            "pupil",
            "pupil_name",
            "risk_level",
            "summary",
            "closure_outcome",
            "closed_at",
            "state_changed_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class CaseDetailSerializer(CaseSerializer):
    """One case, with the transitions the requesting user may take now."""

    available_transitions = serializers.SerializerMethodField()

    class Meta(CaseSerializer.Meta):
        fields = [*CaseSerializer.Meta.fields, "available_transitions"]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=list(TRANSITIONS))))
    def get_available_transitions(self, case: Case) -> list[str]:
        return [choice.name for choice in available_transitions(case=case, user=self.context["request"].user)]


class CaseCreateSerializer(serializers.Serializer[Any]):
    pupil = serializers.IntegerField(help_text=_("Id of a pupil of your school."))
    categories = serializers.MultipleChoiceField(choices=Category.choices, allow_empty=False)
    summary = serializers.CharField(max_length=MAX_TEXT)
    risk_level = serializers.ChoiceField(choices=RiskLevel.choices, default=RiskLevel.MEDIUM)

    def validate_categories(self, value: set[str]) -> list[str]:
        return [code for code in Category.values if code in value]


class CaseFilterSerializer(serializers.Serializer[Any]):
    """Query parameters of the case list; a value that cannot be chosen is a 400."""

    state = serializers.ChoiceField(choices=State.choices, required=False)
    category = serializers.ChoiceField(choices=Category.choices, required=False)
    school = serializers.IntegerField(required=False, help_text=_("Id of a school you belong to."))

    def validate_school(self, value: int) -> int:
        if not school_list_for_user(user=self.context["request"].user).filter(pk=value).exists():
            raise serializers.ValidationError(_("No such school."))
        return value


class TransitionSerializer(serializers.Serializer[Any]):
    comment = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=2000,
        help_text=_("Required to return a plan, close or reopen a case."),
    )
    outcome = serializers.ChoiceField(
        choices=ClosureOutcome.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("How the case ended: required to close a case, refused otherwise."),
    )


# -- plans ---------------------------------------------------------------------------------------


class PlanSerializer(serializers.ModelSerializer[SupportPlan]):
    author_name = serializers.CharField(source="author.get_full_name", read_only=True)

    class Meta:
        model = SupportPlan
        fields = [
            "id",
            "version",
            "goals",
            "measures",
            "schedule",
            "responsible_staff",
            "author",
            "author_name",
            "created_at",
        ]
        read_only_fields = fields


class PlanCreateSerializer(serializers.Serializer[Any]):
    goals = serializers.CharField(max_length=MAX_TEXT)
    measures = serializers.CharField(max_length=MAX_TEXT)
    schedule = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True, default="")
    responsible_staff = serializers.CharField(
        max_length=MAX_TEXT, required=False, allow_blank=True, default=""
    )


# -- home visits ---------------------------------------------------------------------------------


class VisitSerializer(serializers.ModelSerializer[HomeVisit]):
    stage = serializers.ChoiceField(choices=HomeVisit.Stage.choices, read_only=True)
    participants = serializers.PrimaryKeyRelatedField[Any](many=True, read_only=True)
    pupil_name = serializers.CharField(source="pupil.name", read_only=True)

    class Meta:
        model = HomeVisit
        fields = [
            "id",
            "case",
            "pupil",
            "pupil_name",
            "school",
            "plan",
            "follow_up_of",
            "kind",
            "stage",
            "participants",
            "planned_by",
            "scheduled_for",
            "appointment_method",
            "appointment_guardian",
            "appointment_with",
            "appointment_agreed_at",
            "appointment_note",
            "scheduled_by",
            "created_at",
            "is_recorded",
            *HomeVisit.RECORD_FIELDS,
            "recorded_by",
            "recorded_at",
        ]
        read_only_fields = fields


class VisitScheduleSerializer(serializers.Serializer[Any]):
    scheduled_for = serializers.DateTimeField(
        help_text=_("ISO 8601; without an offset it is read in the server's time zone.")
    )
    kind = serializers.ChoiceField(choices=HomeVisit.Kind.choices, default=HomeVisit.Kind.GENERAL)
    appointment_note = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    method = serializers.ChoiceField(
        choices=HomeVisit.Method.choices, required=False, default=HomeVisit.Method.OTHER
    )
    guardian_id = serializers.IntegerField(required=False, allow_null=True, default=None)
    with_name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    agreed_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class VisitRecordSerializer(serializers.Serializer[Any]):
    """The record of a visit; only the fields sent are changed. Other fields are refused."""

    visited_at = serializers.DateTimeField(required=False)
    family_situation = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True)
    growth_environment = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True)
    school_life_feedback = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True)
    policies_explained = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True)
    reflection = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True)
    home_behaviour = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True)
    study_habits = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True)
    living_habits = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True)
    parents_opinions = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True)
    measures_agreed = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True)
    no_gifts_pledge = serializers.BooleanField(required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        initial = self.initial_data if isinstance(self.initial_data, dict) else {}
        unknown = sorted(set(initial) - set(self.fields))
        if unknown:
            raise serializers.ValidationError(
                {name: [_("This field cannot be changed here.")] for name in unknown}
            )
        return attrs


# -- confidential notes ----------------------------------------------------------------------------


class NoteSerializer(serializers.Serializer[Any]):
    """A decrypted note (``casework.notes.NoteView``), for granted counsellors only."""

    id = serializers.IntegerField(read_only=True)
    author = serializers.IntegerField(source="author_id", read_only=True)
    author_name = serializers.CharField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    content = serializers.CharField(read_only=True)


class NoteCreateSerializer(serializers.Serializer[Any]):
    # Emptiness and length are the notes module's to judge, after it has checked (and audited)
    # who is asking; here only the type.
    content = serializers.CharField(required=False, allow_blank=True, default="", trim_whitespace=False)


class BreakGlassSerializer(serializers.Serializer[Any]):
    """An emergency access to a case's confidential notes (docs/break-glass.md)."""

    id = serializers.IntegerField(read_only=True)
    case = serializers.IntegerField(source="case_id", read_only=True)
    school = serializers.IntegerField(source="case.school_id", read_only=True)
    opened_by = serializers.IntegerField(source="user_id", read_only=True)
    opened_by_name = serializers.CharField(source="user.get_full_name", read_only=True)
    role = serializers.ChoiceField(
        choices=BreakGlassRole.choices,
        read_only=True,
        help_text=_("As what the person opened the notes: a school leader or an inspector."),
    )
    reason = serializers.CharField(read_only=True)
    opened_at = serializers.DateTimeField(read_only=True)
    expires_at = serializers.DateTimeField(
        read_only=True, help_text=_("The notes are readable through this access until then.")
    )
    active = serializers.BooleanField(source="is_active", read_only=True, help_text=_("Not yet expired."))
    reviewed = serializers.BooleanField(source="is_reviewed", read_only=True)
    reviewed_by = serializers.IntegerField(source="reviewed_by_id", read_only=True, allow_null=True)
    reviewed_by_name = serializers.CharField(
        source="reviewed_by.get_full_name", read_only=True, allow_null=True
    )
    reviewed_at = serializers.DateTimeField(read_only=True, allow_null=True)
    review_comment = serializers.CharField(read_only=True)


class BreakGlassOpenSerializer(serializers.Serializer[Any]):
    # The reason's length is the service's to judge, after it has checked (and audited) who asks.
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Why the notes must be read now; at least 20 characters."),
    )


class BreakGlassReviewSerializer(serializers.Serializer[Any]):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class BreakGlassFilterSerializer(serializers.Serializer[Any]):
    reviewed = serializers.BooleanField(
        required=False, help_text=_("false: only those nobody has reviewed yet; true: only reviewed ones.")
    )


# -- home visits without a case, plans (docs/home-visits.md) ---------------------------------------


class VisitFilterSerializer(serializers.Serializer[Any]):
    """Query parameters of the visit list; a value that cannot be chosen is a 400."""

    stage = serializers.ChoiceField(choices=HomeVisit.Stage.choices, required=False)
    kind = serializers.ChoiceField(choices=VisitKind.choices, required=False)
    mine = serializers.BooleanField(required=False, help_text=_("Only the visits you take part in."))
    pupil = serializers.IntegerField(required=False)
    case = serializers.IntegerField(required=False)
    plan = serializers.IntegerField(required=False)
    school = serializers.IntegerField(required=False)


class VisitCreateSerializer(serializers.Serializer[Any]):
    pupil = serializers.IntegerField(help_text=_("Id of a pupil of your school."))
    kind = serializers.ChoiceField(choices=VisitKind.choices, default=VisitKind.GENERAL)
    participants = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        default=list,
        help_text=_("Staff who visit; a teacher always takes part in the visit they plan."),
    )
    plan = serializers.IntegerField(required=False, allow_null=True, default=None)


class AppointmentSerializer(serializers.Serializer[Any]):
    scheduled_for = serializers.DateTimeField(
        help_text=_("ISO 8601; without an offset it is read in the server's time zone.")
    )
    method = serializers.ChoiceField(choices=HomeVisit.Method.choices)
    guardian = serializers.IntegerField(required=False, allow_null=True, default=None)
    with_name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    agreed_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    note = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")


class FollowUpSerializer(serializers.Serializer[Any]):
    participants = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)


class VisitOpenCaseSerializer(serializers.Serializer[Any]):
    categories = serializers.MultipleChoiceField(choices=Category.choices, allow_empty=False)
    summary = serializers.CharField(max_length=MAX_TEXT)
    risk_level = serializers.ChoiceField(choices=RiskLevel.choices, default=RiskLevel.MEDIUM)

    def validate_categories(self, value: set[str]) -> list[str]:
        return [code for code in Category.values if code in value]


class GiftReportSerializer(serializers.ModelSerializer[VisitGiftReport]):
    class Meta:
        model = VisitGiftReport
        fields = ["id", "visit", "what", "offered_on", "outcome", "note", "reported_by", "reported_at"]
        read_only_fields = fields


class GiftReportCreateSerializer(serializers.Serializer[Any]):
    what = serializers.CharField(max_length=255)
    offered_on = serializers.DateField()
    outcome = serializers.ChoiceField(choices=VisitGiftReport.Outcome.choices)
    note = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")


class VisitPlanSerializer(serializers.ModelSerializer[VisitPlan]):
    class Meta:
        model = VisitPlan
        fields = [
            "id",
            "school",
            "campaign",
            "term",
            "title",
            "grouping",
            "area_label",
            "classroom",
            "kind",
            "starts_on",
            "ends_on",
            "created_by",
            "created_at",
        ]
        read_only_fields = fields


class VisitPlanCreateSerializer(serializers.Serializer[Any]):
    school = serializers.IntegerField()
    title = serializers.CharField(max_length=128)
    grouping = serializers.ChoiceField(choices=VisitPlan.Grouping.choices)
    kind = serializers.ChoiceField(choices=VisitKind.choices, default=VisitKind.GENERAL)
    campaign = serializers.IntegerField(required=False, allow_null=True, default=None)
    term = serializers.IntegerField(required=False, allow_null=True, default=None)
    area_label = serializers.CharField(max_length=128, required=False, allow_blank=True, default="")
    classroom = serializers.IntegerField(required=False, allow_null=True, default=None)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()


class PlanAssignSerializer(serializers.Serializer[Any]):
    pupils = serializers.ListField(child=serializers.IntegerField(), allow_empty=False)
    participants = serializers.ListField(child=serializers.IntegerField(), allow_empty=False)
