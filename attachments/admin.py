"""Attachments are read in the admin only: they change through the services, which audit every step.

The admin shows the record, never the file: downloads go through the audited view.
"""

from django.contrib import admin
from django.http import HttpRequest

from attachments.models import Attachment
from audit.admin import AuditedModelAdmin


@admin.register(Attachment)
class AttachmentAdmin(AuditedModelAdmin):
    list_display = ["id", "school", "case", "visit", "original_name", "content_type", "size", "uploaded_at"]
    list_filter = ["content_type"]
    exclude = ["file"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
