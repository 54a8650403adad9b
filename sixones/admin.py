"""Read-only admin views: six-ones records are written only through sixones.services (audited)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from audit.admin import AuditedModelAdmin
from sixones.models import ActOfHelp, Handbook, ParentsMeeting, VisitEssay


class _ReadOnly(AuditedModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(VisitEssay)
class VisitEssayAdmin(_ReadOnly):
    list_display = ["title", "author", "school", "campaign", "written_on", "exemplary"]
    list_filter = ["exemplary"]


@admin.register(ParentsMeeting)
class ParentsMeetingAdmin(_ReadOnly):
    list_display = ["topic", "school", "held_on", "attendee_count"]


@admin.register(ActOfHelp)
class ActOfHelpAdmin(_ReadOnly):
    list_display = ["teacher", "pupil", "school", "done_on"]


@admin.register(Handbook)
class HandbookAdmin(_ReadOnly):
    list_display = ["teacher", "school", "campaign", "visit_count", "compiled_at"]
    exclude = ["pdf"]
