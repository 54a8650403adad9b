"""The checklist catalogue is edited in the Django admin; inspections, rectifications and notices
are read there only (they change through the services, which audit every change)."""

from django.contrib import admin

from audit.admin import AuditedModelAdmin, ReadOnlyAuditedModelAdmin
from inspections.models import ChecklistItem, Inspection, Notice, Rectification


@admin.register(ChecklistItem)
class ChecklistItemAdmin(AuditedModelAdmin):
    list_display = ["code", "text", "text_en", "order", "active"]
    list_editable = ["order", "active"]


@admin.register(Inspection)
class InspectionAdmin(ReadOnlyAuditedModelAdmin):
    list_display = ["id", "school", "inspected_on", "state", "rating"]
    list_filter = ["state", "rating"]


@admin.register(Rectification)
class RectificationAdmin(ReadOnlyAuditedModelAdmin):
    list_display = ["id", "school", "deadline", "state"]
    list_filter = ["state"]


@admin.register(Notice)
class NoticeAdmin(ReadOnlyAuditedModelAdmin):
    list_display = ["id", "kind", "school", "title", "issued_on", "withdrawn_at"]
    list_filter = ["kind"]
