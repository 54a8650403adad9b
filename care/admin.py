"""Read-only admin lists of the sessions. Written only through care.services; archives and the
counselling content are not here (the content is a confidential note, the archive has its own rules)."""

from __future__ import annotations

from django.contrib import admin

from audit.admin import ReadOnlyAuditedModelAdmin
from care.models import CounsellingSession, TutoringSession


@admin.register(TutoringSession)
class TutoringSessionAdmin(ReadOnlyAuditedModelAdmin):
    list_display = ["id", "case", "held_on", "subject", "duration_minutes", "level", "score"]
    list_filter = ["subject"]
    fields = ["case", "held_on", "subject", "duration_minutes", "level", "score", "tutor", "created_at"]


@admin.register(CounsellingSession)
class CounsellingSessionAdmin(ReadOnlyAuditedModelAdmin):
    list_display = ["id", "case", "held_on", "attendance", "duration_minutes", "next_session_on"]
    list_filter = ["attendance"]
    fields = [
        "case",
        "held_on",
        "attendance",
        "duration_minutes",
        "next_session_on",
        "counsellor",
        "created_at",
    ]
