"""Read-only admin lists of the sessions. Written only through care.services; archives and the
counselling content are not here (the content is a confidential note, the archive has its own rules)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from audit.admin import AuditedModelAdmin
from care.models import CounsellingSession, TutoringSession


class _ReadOnly(AuditedModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(TutoringSession)
class TutoringSessionAdmin(_ReadOnly):
    list_display = ["id", "case", "held_on", "subject", "duration_minutes", "level", "score"]
    list_filter = ["subject"]
    fields = ["case", "held_on", "subject", "duration_minutes", "level", "score", "tutor", "created_at"]


@admin.register(CounsellingSession)
class CounsellingSessionAdmin(_ReadOnly):
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
