"""Serializers of the consent endpoints."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from consents import selectors
from consents.models import Consent, Purpose
from consents.services import NAME_MAX, REASON_MAX

STATUSES = [selectors.GIVEN, selectors.REFUSED, selectors.WITHDRAWN, selectors.SUPERSEDED]


class ConsentSerializer(serializers.ModelSerializer[Consent]):
    recorded_by_name = serializers.CharField(source="recorded_by.get_full_name", read_only=True)
    status = serializers.SerializerMethodField(
        help_text=_(
            "given or refused: the pupil's current record of the purpose; withdrawn; superseded: a "
            "later record of the purpose replaced it. A consent is in force only when given."
        )
    )

    class Meta:
        model = Consent
        fields = [
            "id",
            "pupil",
            "school",
            "purpose",
            "granted",
            "guardian",
            "guardian_name",
            "recorded_by",
            "recorded_by_name",
            "recorded_at",
            "withdrawn_at",
            "withdrawn_by",
            "withdrawal_reason",
            "status",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=STATUSES))
    def get_status(self, obj: Consent) -> str:
        status = getattr(obj, "status", None)
        if status is None:
            current = selectors.consent_current(pupil=obj.pupil, purpose=obj.purpose)
            status = selectors.record_status(obj, current=current is not None and current.pk == obj.pk)
        return str(status)


class ConsentCreateSerializer(serializers.Serializer[Any]):
    purpose = serializers.ChoiceField(choices=Purpose.choices)
    granted = serializers.BooleanField(help_text=_("true: the guardian gives consent; false: refuses."))
    guardian = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text=_("A guardian of the pupil (id).")
    )
    guardian_name = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=NAME_MAX,
        help_text=_("The name of the person who decided, when they are not a listed guardian."),
    )


class ConsentWithdrawSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(
        max_length=REASON_MAX, help_text=_("How the guardian withdrew the consent: who, when, how.")
    )
