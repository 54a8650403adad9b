"""Read-only admin views: six-ones records are written only through sixones.services (audited)."""

from __future__ import annotations

from django.contrib import admin

from audit.admin import ReadOnlyAuditedModelAdmin
from sixones.models import ActOfHelp, Handbook, ParentsMeeting, VisitEssay


@admin.register(VisitEssay)
class VisitEssayAdmin(ReadOnlyAuditedModelAdmin):
    list_display = ["title", "author", "school", "campaign", "written_on", "exemplary"]
    list_filter = ["exemplary"]


@admin.register(ParentsMeeting)
class ParentsMeetingAdmin(ReadOnlyAuditedModelAdmin):
    list_display = ["topic", "school", "held_on", "attendee_count"]


@admin.register(ActOfHelp)
class ActOfHelpAdmin(ReadOnlyAuditedModelAdmin):
    list_display = ["teacher", "pupil", "school", "done_on"]


@admin.register(Handbook)
class HandbookAdmin(ReadOnlyAuditedModelAdmin):
    list_display = ["teacher", "school", "campaign", "visit_count", "compiled_at"]
    exclude = ["pdf"]
