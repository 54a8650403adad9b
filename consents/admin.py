"""A read-only admin list of consents. Written only through consents.services."""

from __future__ import annotations

from django.contrib import admin

from audit.admin import ReadOnlyAuditedModelAdmin
from consents.models import Consent


@admin.register(Consent)
class ConsentAdmin(ReadOnlyAuditedModelAdmin):
    list_display = ["id", "pupil", "purpose", "granted", "recorded_at", "withdrawn_at"]
    list_filter = ["purpose", "granted"]
    fields = [
        "pupil",
        "school",
        "purpose",
        "granted",
        "guardian_name",
        "recorded_by",
        "recorded_at",
        "withdrawn_at",
        "withdrawn_by",
    ]
