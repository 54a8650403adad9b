"""GET /api/v1/audit/events/: the audit trail for inspectors (their bureau) and principals (their
school), with the filters of the audit browser. Everyone else: 403."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers

from audit.models import AuditEvent
from audit_browser.filters import AuditFilterForm
from audit_browser.selectors import AuditScope, audit_event_list_for_user, audit_scope_required
from audit_browser.summaries import EventRow, audit_event_rows
from core.api import api_user, error_responses
from core.errors import Invalid
from schools.models import School


class ActorSerializer(serializers.Serializer[AuditEvent]):
    id = serializers.IntegerField(source="actor_id", allow_null=True, read_only=True)
    label = serializers.CharField(source="actor_label", read_only=True)  # type: ignore[assignment]


class SchoolRefSerializer(serializers.ModelSerializer[School]):
    class Meta:
        model = School
        fields = ["id", "code"]
        read_only_fields = fields


class AuditEventSerializer(serializers.ModelSerializer[AuditEvent]):
    """One event, with its place in the school's hash chain (``chain``, ``seq``, ``prev_hash``, ``hash``)."""

    actor = ActorSerializer(source="*", read_only=True)
    case = serializers.IntegerField(source="case_id", allow_null=True, read_only=True)
    school = SchoolRefSerializer(read_only=True, allow_null=True)
    detail = serializers.JSONField(read_only=True)
    # Set once the retention run erased the event's personal detail (detail, ip, user agent).
    erased_at = serializers.DateTimeField(read_only=True, allow_null=True)
    # Added for people (issue 13): the action's label and the record in the request's language,
    # and what changed on one line, names instead of ids. ``action`` stays the stable code.
    action_label = serializers.SerializerMethodField(
        help_text=gettext_lazy("The action in the language of the request (Accept-Language).")
    )
    record = serializers.SerializerMethodField(
        help_text=gettext_lazy('What the event is about, e.g. "Case #136 (张三)".')
    )
    summary = serializers.SerializerMethodField(
        help_text=gettext_lazy("What changed, field by field (old → new), with names instead of ids.")
    )

    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "occurred_at",
            "actor",
            "action",
            "target_type",
            "target_id",
            "case",
            "school",
            "detail",
            "ip",
            "erased_at",
            "chain",
            "seq",
            "prev_hash",
            "hash",
            "action_label",
            "record",
            "summary",
        ]
        read_only_fields = fields

    def _row(self, event: AuditEvent) -> EventRow:
        rows: dict[int, EventRow] = self.context["rows"]
        return rows[event.pk]

    def get_action_label(self, event: AuditEvent) -> str:
        return self._row(event).action_label

    def get_record(self, event: AuditEvent) -> str:
        return self._row(event).record_label

    def get_summary(self, event: AuditEvent) -> str:
        return self._row(event).summary


FILTER_PARAMETERS = [
    OpenApiParameter("school", str, description=gettext_lazy("School id or code.")),
    OpenApiParameter("case", int, description=gettext_lazy("Case id.")),
    OpenApiParameter(
        "actor",
        str,
        description=gettext_lazy("Who acted: a user id or a user name (exact)."),
    ),
    OpenApiParameter(
        "actor_name",
        str,
        description=gettext_lazy(
            "Who acted, by name: a part of a full name, family name then given name, or user name."
        ),
    ),
    OpenApiParameter(
        "action",
        str,
        description=gettext_lazy(
            'An exact action ("case.viewed"), a prefix ending in a dot ("case."), '
            'or one step of the case flow ("case.transition:approve_plan").'
        ),
    ),
    OpenApiParameter(
        "since",
        str,
        description=gettext_lazy(
            "From this ISO date (00:00 Asia/Shanghai) or datetime (without a zone: Asia/Shanghai)."
        ),
    ),
    OpenApiParameter(
        "until",
        str,
        description=gettext_lazy("Up to this ISO date (the whole day included) or datetime (included)."),
    ),
]


class AuditEventListView(generics.ListAPIView[AuditEvent]):
    serializer_class = AuditEventSerializer
    scope: AuditScope | None = None

    @extend_schema(
        tags=["audit"],
        operation_id="audit_events_list",
        summary="Audit events you may read, newest first (inspectors: the bureau; principals: the school)",
        parameters=FILTER_PARAMETERS,
        responses={200: AuditEventSerializer(many=True), **error_responses(400, 403)},
    )
    def get(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        return super().get(request, *args, **kwargs)

    def get_serializer(self, *args: Any, **kwargs: Any) -> Any:
        # One page's names are read at once (a fixed number of queries), then each event is written.
        if args and isinstance(args[0], list):
            scope = getattr(self, "scope", None) or audit_scope_required(user=api_user(self.request))
            rows = audit_event_rows(events=args[0], scope=scope)
            kwargs.setdefault("context", self.get_serializer_context())["rows"] = {
                row.event.pk: row for row in rows
            }
        return super().get_serializer(*args, **kwargs)

    def get_queryset(self) -> QuerySet[AuditEvent]:
        user = api_user(self.request)
        # The role first: someone without one gets 403, whatever the filters say.
        scope = self.scope = audit_scope_required(user=user)
        form = AuditFilterForm(self.request.query_params)
        if not form.is_valid():
            raise Invalid(_("Invalid filter."), errors=form.error_dict())
        return audit_event_list_for_user(user=user, filters=form.filters(), scope=scope)


urlpatterns = [
    path("audit/events/", AuditEventListView.as_view(), name="api-audit-event-list"),
]
