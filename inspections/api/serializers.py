"""What the inspection API returns and reads."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from inspections.models import Finding, Inspection, InspectionChecklistResult, Rectification

MAX_TEXT = 10_000


class InspectionSerializer(serializers.ModelSerializer[Inspection]):
    school_name = serializers.CharField(source="school.name", read_only=True)
    finding_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Inspection
        fields = [
            "id",
            "school",
            "school_name",
            "inspected_on",
            "state",
            "rating",
            "created_by",
            "finding_count",
            "submitted_at",
        ]
        read_only_fields = fields


class ChecklistResultSerializer(serializers.ModelSerializer[InspectionChecklistResult]):
    code = serializers.CharField(source="item.code", read_only=True)
    text = serializers.CharField(source="item.text", read_only=True)
    text_en = serializers.CharField(source="item.text_en", read_only=True)

    class Meta:
        model = InspectionChecklistResult
        fields = ["code", "text", "text_en", "result", "note"]
        read_only_fields = fields


class FindingSerializer(serializers.ModelSerializer[Finding]):
    rectification = serializers.SerializerMethodField()

    class Meta:
        model = Finding
        fields = ["id", "text", "needs_rectification", "rectification"]
        read_only_fields = fields

    def get_rectification(self, obj: Finding) -> int | None:
        rectification = getattr(obj, "rectification", None)
        return rectification.pk if rectification is not None else None


class InspectionDetailSerializer(InspectionSerializer):
    checklist = ChecklistResultSerializer(many=True, read_only=True)
    findings = FindingSerializer(many=True, read_only=True)
    inspectors: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True
    )
    sampled_cases: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True
    )
    families_visited: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True
    )
    finding_count = serializers.SerializerMethodField()  # type: ignore[assignment]

    class Meta(InspectionSerializer.Meta):
        fields = [
            *InspectionSerializer.Meta.fields,
            "summary",
            "inspectors",
            "sampled_cases",
            "families_visited",
            "checklist",
            "findings",
        ]
        read_only_fields = fields

    def get_finding_count(self, obj: Inspection) -> int:
        return len(obj.findings.all())


class RectificationSerializer(serializers.ModelSerializer[Rectification]):
    finding_text = serializers.CharField(source="finding.text", read_only=True)
    inspection = serializers.IntegerField(source="finding.inspection_id", read_only=True)
    overdue = serializers.BooleanField(source="is_overdue", read_only=True)

    class Meta:
        model = Rectification
        fields = [
            "id",
            "school",
            "inspection",
            "finding",
            "finding_text",
            "deadline",
            "overdue",
            "state",
            "response",
            "answered_by",
            "answered_at",
            "return_comment",
            "closing_comment",
            "closed_at",
        ]
        read_only_fields = fields


class RectificationFilterSerializer(serializers.Serializer[Any]):
    overdue = serializers.BooleanField(required=False, default=False)
    state = serializers.ChoiceField(choices=Rectification.State.choices, required=False)


class AnswerSerializer(serializers.Serializer[Any]):
    response = serializers.CharField(allow_blank=True, max_length=MAX_TEXT)
