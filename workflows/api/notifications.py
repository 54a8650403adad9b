"""Notification endpoints: the caller's own notifications, marking one read, and how they want to
be told (docs/notifications.md)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from core.api import BaseApi, error_responses, paginated
from workflows.models import Notification, NotificationKind, NotificationPreference, WebhookFormat
from workflows.notify import notification_link, notification_preference_update, preference_for
from workflows.reminders import notification_mark_read, notification_text
from workflows.selectors import notification_get_for_user, notifications_for_user

TAGS = ["notifications"]


class NotificationSerializer(serializers.ModelSerializer[Notification]):
    # Plain strings in the schema, the choice set in help_text (as for tasks' kinds).
    kind = serializers.CharField(read_only=True, help_text=", ".join(NotificationKind.values))
    kind_label = serializers.SerializerMethodField(help_text=_("The kind in the caller's language."))
    text = serializers.SerializerMethodField(
        help_text=_("The notification's sentence in the caller's language.")
    )
    action_url = serializers.SerializerMethodField(
        help_text=_("The path of the page where the work is done.")
    )
    task = serializers.IntegerField(source="task_id", read_only=True, allow_null=True)

    class Meta:
        model = Notification
        fields = ["id", "kind", "kind_label", "text", "action_url", "task", "created_at", "read_at"]
        read_only_fields = fields

    def get_kind_label(self, note: Notification) -> str:
        return str(note.get_kind_display())

    def get_text(self, note: Notification) -> str:
        return notification_text(note)

    def get_action_url(self, note: Notification) -> str:
        return notification_link(note)


class NotificationFilterSerializer(serializers.Serializer[Any]):
    # default=None: a query string without "unread" is no filter (DRF reads a missing box as false).
    unread = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("true: only the unread ones; false: only the read ones."),
    )


class NotificationPreferenceSerializer(serializers.ModelSerializer[NotificationPreference]):
    webhook_format = serializers.ChoiceField(choices=WebhookFormat.choices, required=False, allow_blank=True)
    webhook_url = serializers.CharField(required=False, allow_blank=True, max_length=500)

    class Meta:
        model = NotificationPreference
        fields = ["email", "digest", "webhook_format", "webhook_url"]


class NotificationListView(BaseApi):
    @extend_schema(
        tags=TAGS,
        operation_id="notifications_list",
        summary="Your notifications, newest first",
        parameters=[NotificationFilterSerializer],
        responses={200: NotificationSerializer(many=True), **error_responses(400)},
    )
    def get(self, request: Request) -> Response:
        filters = NotificationFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        notes = notifications_for_user(user=self.user)
        if filters.validated_data.get("unread") is True:
            notes = notes.filter(read_at__isnull=True)
        elif filters.validated_data.get("unread") is False:
            notes = notes.filter(read_at__isnull=False)
        return paginated(request, self, notes, NotificationSerializer)


class NotificationReadView(BaseApi):
    @extend_schema(
        tags=TAGS,
        operation_id="notifications_read",
        summary="Mark one of your notifications read (the first reading time is kept)",
        request=None,
        responses={200: NotificationSerializer, **error_responses(404)},
    )
    def post(self, request: Request, notification_id: int) -> Response:
        note = notification_get_for_user(user=self.user, notification_id=notification_id)
        note = notification_mark_read(notification=note)
        return Response(NotificationSerializer(note, context={"request": request}).data)


class NotificationPreferenceView(BaseApi):
    @extend_schema(
        tags=TAGS,
        operation_id="notifications_preferences_retrieve",
        summary="How you are told besides the app: e-mail, a daily digest, a group robot",
        responses={200: NotificationPreferenceSerializer, **error_responses()},
    )
    def get(self, request: Request) -> Response:
        return Response(NotificationPreferenceSerializer(preference_for(self.user)).data)

    @extend_schema(
        tags=TAGS,
        operation_id="notifications_preferences_save",
        summary="Choose how you are told (webhook: an https address of a WeCom or DingTalk robot)",
        request=NotificationPreferenceSerializer,
        responses={200: NotificationPreferenceSerializer, **error_responses(400)},
    )
    def put(self, request: Request) -> Response:
        data = NotificationPreferenceSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        # A field left out keeps its current value.
        current = preference_for(self.user)
        choices = {
            "email": current.email,
            "digest": current.digest,
            "webhook_format": current.webhook_format,
            "webhook_url": current.webhook_url,
            **data.validated_data,
        }
        pref = notification_preference_update(user=self.user, **choices)
        return Response(NotificationPreferenceSerializer(pref).data)
