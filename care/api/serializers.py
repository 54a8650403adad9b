"""Serializers of the care endpoints. Input serializers check shapes, types and choices; the
services decide who may act and what the case needs. No serializer ever outputs a counselling
session's content: it lives only in the confidential notes."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from care.models import (
    MAX_MINUTES,
    MAX_SCORE,
    ArchiveEntry,
    Attendance,
    CounsellingSession,
    Level,
    SpecialGroupArchive,
    Subject,
    TutoringSession,
)
from care.services import MAX_TEXT
from casework.notes import MAX_NOTE_LENGTH


class TutoringSessionSerializer(serializers.ModelSerializer[TutoringSession]):
    tutor_name = serializers.CharField(source="tutor.get_full_name", read_only=True)

    class Meta:
        model = TutoringSession
        fields = [
            "id",
            "case",
            "held_on",
            "subject",
            "duration_minutes",
            "content",
            "outcome",
            "level",
            "score",
            "tutor",
            "tutor_name",
            "recorded_by",
            "created_at",
        ]
        read_only_fields = fields


class TutoringSessionCreateSerializer(serializers.Serializer[Any]):
    held_on = serializers.DateField()
    subject = serializers.ChoiceField(choices=Subject.choices)
    duration_minutes = serializers.IntegerField(min_value=1, max_value=MAX_MINUTES)
    content = serializers.CharField(max_length=MAX_TEXT)
    outcome = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True, default="")
    level = serializers.ChoiceField(choices=Level.choices, required=False, allow_null=True, default=None)
    score = serializers.DecimalField(
        max_digits=5,
        decimal_places=1,
        min_value=0,
        max_value=MAX_SCORE,
        required=False,
        allow_null=True,
        default=None,
    )
    tutor = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Id of a member of staff of the case's school; default: you.",
    )


class CounsellingSessionSerializer(serializers.ModelSerializer[CounsellingSession]):
    """What anyone who sees the case may see: that the session happened, never what was said."""

    counsellor_name = serializers.CharField(source="counsellor.get_full_name", read_only=True)

    class Meta:
        model = CounsellingSession
        fields = [
            "id",
            "case",
            "held_on",
            "attendance",
            "duration_minutes",
            "next_session_on",
            "counsellor",
            "counsellor_name",
            "created_at",
        ]
        read_only_fields = fields


class CounsellingSessionCreateSerializer(serializers.Serializer[Any]):
    held_on = serializers.DateField()
    attendance = serializers.ChoiceField(choices=Attendance.choices)
    duration_minutes = serializers.IntegerField(
        min_value=1, max_value=MAX_MINUTES, required=False, allow_null=True, default=None
    )
    next_session_on = serializers.DateField(required=False, allow_null=True, default=None)
    content = serializers.CharField(
        max_length=MAX_NOTE_LENGTH,
        required=False,
        allow_blank=True,
        default="",
        write_only=True,
        help_text="What the session was about; stored only as a confidential note, never returned here.",
    )


class ArchiveEntrySerializer(serializers.ModelSerializer[ArchiveEntry]):
    author_name = serializers.CharField(source="author.get_full_name", read_only=True)

    class Meta:
        model = ArchiveEntry
        fields = [
            "year",
            "record",
            "analysis",
            "support",
            "author",
            "author_name",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ArchiveSerializer(serializers.ModelSerializer[SpecialGroupArchive]):
    entries = serializers.SerializerMethodField()

    class Meta:
        model = SpecialGroupArchive
        fields = [
            "id",
            "pupil",
            "school",
            "left_behind",
            "single_parent",
            "migrant_child",
            "family",
            "guardianship",
            "parents_work",
            "contact",
            "created_by",
            "updated_by",
            "created_at",
            "updated_at",
            "entries",
        ]
        read_only_fields = fields

    def get_entries(self, archive: SpecialGroupArchive) -> list[dict[str, Any]]:
        entries = archive.entries.select_related("author").order_by("-year")
        return list(ArchiveEntrySerializer(entries, many=True).data)


class ArchiveWriteSerializer(serializers.Serializer[Any]):
    left_behind = serializers.BooleanField(default=False)
    single_parent = serializers.BooleanField(default=False)
    migrant_child = serializers.BooleanField(default=False)
    family = serializers.CharField(max_length=MAX_TEXT)
    guardianship = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True, default="")
    parents_work = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True, default="")
    contact = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True, default="")


class ArchiveEntryWriteSerializer(serializers.Serializer[Any]):
    record = serializers.CharField(max_length=MAX_TEXT)
    analysis = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True, default="")
    support = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True, default="")
