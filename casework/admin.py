"""Case records in the Django admin. Confidential counselling notes are deliberately absent:
nobody reads them here, superusers included."""

from django.contrib import admin
from django.http import HttpRequest

from audit.admin import AuditedModelAdmin
from casework.models import Case, CaseCategory, HomeVisit, SupportPlan


class CaseCategoryInline(admin.TabularInline):
    model = CaseCategory
    extra = 0


class SupportPlanInline(admin.StackedInline):
    model = SupportPlan
    extra = 0
    can_delete = False
    readonly_fields = [
        "version",
        "goals",
        "measures",
        "schedule",
        "responsible_staff",
        "author",
        "created_at",
    ]

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Case)
class CaseAdmin(AuditedModelAdmin):
    """Read-mostly: state changes only through the case pages and the API (audited)."""

    list_display = ["id", "pupil", "school", "state", "risk_level", "owner", "updated_at"]
    list_filter = ["state", "risk_level", "school"]
    list_select_related = ["pupil", "school", "owner"]
    search_fields = ["pupil__name", "pupil__student_number"]
    readonly_fields = ["state", "pupil", "school", "opened_by", "current_visit", "created_at", "updated_at"]
    autocomplete_fields = ["owner"]
    inlines = [CaseCategoryInline, SupportPlanInline]


@admin.register(HomeVisit)
class HomeVisitAdmin(AuditedModelAdmin):
    list_display = ["id", "case", "kind", "scheduled_for", "visited_at", "no_gifts_pledge"]
    list_filter = ["kind", "no_gifts_pledge"]
    list_select_related = ["case", "case__pupil"]
    readonly_fields = ["case", "scheduled_by", "recorded_by", "recorded_at", "created_at"]
