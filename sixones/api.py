"""/api/v1/sixones/...: the records (essays, parents' meetings, acts of help), the exemplary mark,
the caller's checklist and the completion of a school or the city. Same rules as the pages."""

from __future__ import annotations

from typing import Any

from django.urls import path
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from audit.services import AuditContext
from core.api import BaseApi, api_user, error_responses, paginated
from core.errors import NotFound
from sixones import access, selectors, services
from sixones.checklist import ITEMS
from sixones.models import ActOfHelp, ParentsMeeting, VisitEssay
from sixones.services import MAX_TEXT

TAGS = ["sixones"]
YEAR = OpenApiParameter(
    "year", int, description=gettext_lazy("Campaign year (default: the one running today, else the newest).")
)


class EssaySerializer(serializers.ModelSerializer[VisitEssay]):
    campaign_year = serializers.IntegerField(source="campaign.year", read_only=True)

    class Meta:
        model = VisitEssay
        fields = [
            "id",
            "school",
            "campaign_year",
            "author",
            "title",
            "body",
            "visit",
            "written_on",
            "exemplary",
            "exemplary_by",
            "exemplary_at",
        ]
        read_only_fields = fields


class EssayCreateSerializer(serializers.Serializer[Any]):
    title = serializers.CharField(max_length=120)
    body = serializers.CharField(max_length=MAX_TEXT)
    written_on = serializers.DateField(required=False)
    visit = serializers.IntegerField(required=False, allow_null=True)
    school = serializers.IntegerField(required=False, allow_null=True)


class ExemplarySerializer(serializers.Serializer[Any]):
    exemplary = serializers.BooleanField()


class MeetingSerializer(serializers.ModelSerializer[ParentsMeeting]):
    campaign_year = serializers.IntegerField(source="campaign.year", read_only=True)
    organisers = serializers.SerializerMethodField()

    class Meta:
        model = ParentsMeeting
        fields = [
            "id",
            "school",
            "campaign_year",
            "held_on",
            "topic",
            "organisers",
            "attendees",
            "attendee_count",
            "minutes",
            "recorded_by",
        ]
        read_only_fields = fields

    def get_organisers(self, meeting: ParentsMeeting) -> list[int]:
        return [user.pk for user in meeting.organisers.all()]


class MeetingCreateSerializer(serializers.Serializer[Any]):
    held_on = serializers.DateField()
    topic = serializers.CharField(max_length=120)
    organisers = serializers.ListField(child=serializers.IntegerField(), min_length=1, max_length=50)
    attendees = serializers.CharField(max_length=MAX_TEXT)
    attendee_count = serializers.IntegerField(min_value=1, max_value=10000)
    minutes = serializers.CharField(max_length=MAX_TEXT)
    school = serializers.IntegerField(required=False, allow_null=True)


class ActSerializer(serializers.ModelSerializer[ActOfHelp]):
    campaign_year = serializers.IntegerField(source="campaign.year", read_only=True)

    class Meta:
        model = ActOfHelp
        fields = ["id", "school", "campaign_year", "teacher", "pupil", "case", "done_on", "what"]
        read_only_fields = fields


class ActCreateSerializer(serializers.Serializer[Any]):
    done_on = serializers.DateField()
    what = serializers.CharField(max_length=MAX_TEXT)
    pupil = serializers.IntegerField(required=False, allow_null=True)
    case = serializers.IntegerField(required=False, allow_null=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("pupil") is None and attrs.get("case") is None:
            raise serializers.ValidationError({"pupil": [gettext_lazy("Choose a pupil or a case.")]})
        return attrs


class ChecklistItemSerializer(serializers.Serializer[Any]):
    key = serializers.CharField()
    # Declared fields leave the class body, so this does not shadow Field.label at run time.
    label = serializers.CharField()  # type: ignore[assignment]
    done = serializers.BooleanField()
    records = serializers.SerializerMethodField()

    def get_records(self, item: selectors.ChecklistItem) -> list[int]:
        return [record.pk for record in item.records]


class ChecklistSerializer(serializers.Serializer[Any]):
    campaign_year = serializers.IntegerField(source="campaign.year")
    teacher = serializers.IntegerField(source="teacher.pk")
    done = serializers.IntegerField()
    items = ChecklistItemSerializer(many=True)


class GroupSerializer(serializers.Serializer[Any]):
    key = serializers.CharField()
    # Declared fields leave the class body, so this does not shadow Field.label at run time.
    label = serializers.CharField()  # type: ignore[assignment]
    teachers = serializers.IntegerField()
    complete = serializers.IntegerField()
    percent = serializers.FloatField()
    per_item = serializers.DictField(child=serializers.IntegerField())


class TeacherRowSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(source="user.pk")
    name = serializers.CharField(source="user.get_full_name")
    flags = serializers.DictField(child=serializers.BooleanField())
    done = serializers.IntegerField()


class CompletionSerializer(serializers.Serializer[Any]):
    campaign_year = serializers.IntegerField(source="campaign.year")
    school = serializers.CharField(source="school.code", allow_null=True, default=None)
    items = serializers.SerializerMethodField()
    total = GroupSerializer()
    teachers = TeacherRowSerializer(many=True)
    classes = GroupSerializer(many=True)
    schools = GroupSerializer(many=True)

    def get_items(self, completion: selectors.Completion) -> list[str]:
        return [key for key, _label in ITEMS]


def _created(serializer: type[serializers.ModelSerializer[Any]], obj: Any) -> Response:
    return Response(serializer(obj).data, status=201)


class EssayListView(BaseApi):
    @extend_schema(
        tags=TAGS,
        operation_id="sixones_essays_list",
        summary="Visit essays you may read (?exemplary=true for the exemplary ones)",
        parameters=[OpenApiParameter("exemplary", bool)],
        responses={200: EssaySerializer(many=True), **error_responses()},
    )
    def get(self, request: Request) -> Response:
        essays = selectors.essay_list_for_user(user=self.user).order_by("-written_on", "-id")
        if request.query_params.get("exemplary") in ("true", "1"):
            essays = essays.filter(exemplary=True)
        return paginated(request, self, essays, EssaySerializer)

    @extend_schema(
        tags=TAGS,
        operation_id="sixones_essays_create",
        summary="Write a visit essay",
        request=EssayCreateSerializer,
        responses={201: EssaySerializer, **error_responses(400, 403)},
    )
    def post(self, request: Request) -> Response:
        data = EssayCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        essay = services.essay_create(
            user=self.user,
            title=v["title"],
            body=v["body"],
            written_on=v.get("written_on"),
            visit_id=v.get("visit"),
            school_id=v.get("school"),
            context=AuditContext.from_request(request),
        )
        return _created(EssaySerializer, essay)


class EssayExemplaryView(BaseApi):
    @extend_schema(
        tags=TAGS,
        operation_id="sixones_essays_exemplary",
        summary="A principal or vice principal marks an essay exemplary, or withdraws the mark",
        request=ExemplarySerializer,
        responses={200: EssaySerializer, **error_responses(400, 403, 404)},
    )
    def post(self, request: Request, essay_id: int) -> Response:
        user = self.user
        selectors.essay_get_for_user(user=user, essay_id=essay_id)
        data = ExemplarySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        essay = services.essay_mark_exemplary(
            user=user,
            essay_id=essay_id,
            exemplary=data.validated_data["exemplary"],
            context=AuditContext.from_request(request),
        )
        return Response(EssaySerializer(essay).data)


class MeetingListView(BaseApi):
    @extend_schema(
        tags=TAGS,
        operation_id="sixones_meetings_list",
        summary="Parents' meetings of your schools (inspectors: of the bureau)",
        responses={200: MeetingSerializer(many=True), **error_responses()},
    )
    def get(self, request: Request) -> Response:
        meetings = selectors.meeting_list_for_user(user=self.user).order_by("-held_on", "-id")
        return paginated(request, self, meetings, MeetingSerializer)

    @extend_schema(
        tags=TAGS,
        operation_id="sixones_meetings_create",
        summary="Record a parents' meeting",
        request=MeetingCreateSerializer,
        responses={201: MeetingSerializer, **error_responses(400, 403)},
    )
    def post(self, request: Request) -> Response:
        data = MeetingCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        meeting = services.meeting_record(
            user=self.user,
            held_on=v["held_on"],
            topic=v["topic"],
            organiser_ids=v["organisers"],
            attendees=v["attendees"],
            attendee_count=v["attendee_count"],
            minutes=v["minutes"],
            school_id=v.get("school"),
            context=AuditContext.from_request(request),
        )
        return _created(MeetingSerializer, meeting)


class ActListView(BaseApi):
    @extend_schema(
        tags=TAGS,
        operation_id="sixones_acts_list",
        summary="Acts of help you may read",
        responses={200: ActSerializer(many=True), **error_responses()},
    )
    def get(self, request: Request) -> Response:
        acts = selectors.act_list_for_user(user=self.user).order_by("-done_on", "-id")
        return paginated(request, self, acts, ActSerializer)

    @extend_schema(
        tags=TAGS,
        operation_id="sixones_acts_create",
        summary="Record an act of help for a pupil of your school, or within a case you work on",
        request=ActCreateSerializer,
        responses={201: ActSerializer, **error_responses(400, 403)},
    )
    def post(self, request: Request) -> Response:
        data = ActCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        act = services.act_record(
            user=self.user,
            done_on=v["done_on"],
            what=v["what"],
            pupil_id=v.get("pupil"),
            case_id=v.get("case"),
            context=AuditContext.from_request(request),
        )
        return _created(ActSerializer, act)


def _campaign(request: Request) -> Any:
    campaign, _all = selectors.campaign_pick(user=api_user(request), year=request.query_params.get("year"))
    if campaign is None:
        raise NotFound(gettext_lazy("No such campaign year."))
    return campaign


class ChecklistView(BaseApi):
    @extend_schema(
        tags=TAGS,
        operation_id="sixones_checklist",
        summary="Your six ones for a campaign year: each item is done when its record exists",
        parameters=[YEAR],
        responses={200: ChecklistSerializer, **error_responses(404)},
    )
    def get(self, request: Request) -> Response:
        user = self.user
        if not access.scope(user).member:
            raise NotFound(gettext_lazy("Only school staff have six ones."))
        checklist = selectors.checklist_for_teacher(teacher=user, campaign=_campaign(request))
        return Response(ChecklistSerializer(checklist).data)


class CompletionView(BaseApi):
    @extend_schema(
        tags=TAGS,
        operation_id="sixones_completion",
        summary="Completion per teacher and class of a school (?school=CODE), or per school of the city",
        parameters=[YEAR, OpenApiParameter("school", str, description=gettext_lazy("School code."))],
        responses={200: CompletionSerializer, **error_responses(403, 404)},
    )
    def get(self, request: Request) -> Response:
        user = self.user
        code = request.query_params.get("school")
        if code:
            school = selectors.completion_school_get_for_user(user=user, code=code)
            completion = selectors.school_completion(school=school, campaign=_campaign(request))
        else:
            bureau = selectors.completion_bureau_get_for_user(user=user)
            completion = selectors.city_completion(bureau=bureau, campaign=_campaign(request))
        return Response(CompletionSerializer(completion).data)


urlpatterns = [
    path("sixones/essays/", EssayListView.as_view(), name="api-sixones-essays"),
    path(
        "sixones/essays/<id:essay_id>/exemplary/",
        EssayExemplaryView.as_view(),
        name="api-sixones-essay-exemplary",
    ),
    path("sixones/meetings/", MeetingListView.as_view(), name="api-sixones-meetings"),
    path("sixones/acts/", ActListView.as_view(), name="api-sixones-acts"),
    path("sixones/checklist/", ChecklistView.as_view(), name="api-sixones-checklist"),
    path("sixones/completion/", CompletionView.as_view(), name="api-sixones-completion"),
]
