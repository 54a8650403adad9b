"""Serializers of the attachment endpoints."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from attachments.models import Attachment
from attachments.services import CAPTION_MAX


class AttachmentSerializer(serializers.ModelSerializer[Attachment]):
    name = serializers.CharField(source="original_name", read_only=True)
    uploaded_by_name = serializers.CharField(source="uploaded_by.get_full_name", read_only=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = [
            "id",
            "school",
            "case",
            "visit",
            "consent",
            "name",
            "content_type",
            "size",
            "sha256",
            "caption",
            "uploaded_by",
            "uploaded_by_name",
            "uploaded_at",
            "download_url",
        ]
        read_only_fields = fields

    def get_download_url(self, obj: Attachment) -> str:
        return reverse("api-attachment-download", args=[obj.pk])


class AttachmentUploadSerializer(serializers.Serializer[Any]):
    """multipart/form-data: ``file`` and an optional ``caption``."""

    file = serializers.FileField(
        required=False,  # the service says what is wrong with a missing, empty or too large file
        allow_empty_file=True,
        help_text=_("JPEG, PNG, WebP, PDF, .docx or .xlsx; checked by content, the extension must match."),
    )
    caption = serializers.CharField(required=False, allow_blank=True, max_length=CAPTION_MAX, default="")
