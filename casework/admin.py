"""Case records in the Django admin. Confidential counselling notes are deliberately absent:
nobody reads them here, superusers included. So are the grants to read them (guardian's object
permission tables, CaseUserObjectPermission and CaseGroupObjectPermission, have no admin) and the
emergency accesses (break-glass is reviewed on its own page): the admin cannot open a note.
Making a case psychological here, or no longer so, is told to the school's counsellors."""

from __future__ import annotations

from django.contrib import admin
from django.forms import BaseModelFormSet, ModelForm
from django.http import HttpRequest

from accounts.models import User
from audit.admin import AuditedModelAdmin
from audit.services import AuditContext
from casework.models import Case, CaseCategory, HomeVisit, SupportPlan
from casework.services.notices import case_categories_change_notify


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

    def save_formset(
        self, request: HttpRequest, form: ModelForm, formset: BaseModelFormSet, change: bool
    ) -> None:
        if formset.model is not CaseCategory:
            super().save_formset(request, form, formset, change)
            return
        case = form.instance
        before = set(CaseCategory.objects.filter(case_id=case.pk).values_list("category", flat=True))
        super().save_formset(request, form, formset, change)
        after = set(CaseCategory.objects.filter(case_id=case.pk).values_list("category", flat=True))
        assert isinstance(request.user, User)
        case_categories_change_notify(
            case=case,
            added=sorted(after - before),
            removed=sorted(before - after),
            actor=request.user,
            context=AuditContext.from_request(request),
        )


@admin.register(HomeVisit)
class HomeVisitAdmin(AuditedModelAdmin):
    list_display = ["id", "case", "kind", "scheduled_for", "visited_at", "no_gifts_pledge"]
    list_filter = ["kind", "no_gifts_pledge"]
    list_select_related = ["case", "case__pupil"]
    readonly_fields = ["case", "scheduled_by", "recorded_by", "recorded_at", "created_at"]
