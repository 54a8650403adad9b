"""Attachments are read in the admin only: they change through the services, which audit every step.

The admin shows the record, never the file: downloads go through the audited view.
"""

from django.contrib import admin

from attachments.models import Attachment
from audit.admin import ReadOnlyAuditedModelAdmin


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyAuditedModelAdmin):
    list_display = ["id", "school", "case", "visit", "original_name", "content_type", "size", "uploaded_at"]
    list_filter = ["content_type"]
    exclude = ["file"]
