"""Serializers of the opinion endpoints."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from opinions.models import ParentOpinion
from opinions.services import MAX_TEXT


class OpinionSerializer(serializers.ModelSerializer[ParentOpinion]):
    overdue = serializers.BooleanField(source="is_overdue", read_only=True)

    class Meta:
        model = ParentOpinion
        fields = [
            "id",
            "school",
            "case",
            "visit",
            "channel",
            "pupil",
            "raised_on",
            "raised_by",
            "guardian_name",
            "about",
            "about_teacher",
            "text",
            "state",
            "overdue",
            "plan",
            "answer",
            "answered_to_parents_on",
            "handled_by",
        ]
        read_only_fields = fields


class OpinionFilterSerializer(serializers.Serializer[Any]):
    state = serializers.ChoiceField(choices=ParentOpinion.State.choices, required=False)
    about = serializers.ChoiceField(choices=ParentOpinion.About.choices, required=False)
    channel = serializers.ChoiceField(choices=ParentOpinion.Channel.choices, required=False)
    overdue = serializers.BooleanField(required=False, default=False)


class OpinionTransitionSerializer(serializers.Serializer[Any]):
    """Only what the step takes: ``plan`` for plan_rectification; ``answer`` and
    ``answered_to_parents_on`` for complete; nothing for study."""

    plan = serializers.CharField(required=False, allow_blank=True, max_length=MAX_TEXT)
    answer = serializers.CharField(required=False, allow_blank=True, max_length=MAX_TEXT)
    answered_to_parents_on = serializers.DateField(required=False, allow_null=True)


class OpinionRaiseSerializer(serializers.Serializer[Any]):
    """An opinion heard on a recorded home visit; the visit gives school, pupil, case and date."""

    about = serializers.ChoiceField(choices=ParentOpinion.About.choices)
    about_teacher = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    guardian_name = serializers.CharField(required=False, allow_blank=True, max_length=100)
    text = serializers.CharField(max_length=MAX_TEXT)


class OpinionReceiveSerializer(serializers.Serializer[Any]):
    """An opinion received another way than on a home visit; the service checks the rest."""

    school = serializers.IntegerField(min_value=1)
    # "visit" is refused by the service (400): opinions from a visit are raised on the visit.
    channel = serializers.ChoiceField(choices=ParentOpinion.Channel.choices)
    raised_on = serializers.DateField()
    about = serializers.ChoiceField(choices=ParentOpinion.About.choices)
    about_teacher = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    pupil = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    guardian_name = serializers.CharField(required=False, allow_blank=True, max_length=100)
    text = serializers.CharField(max_length=MAX_TEXT)
