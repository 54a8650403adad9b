from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from audit.admin import AuditedAdminMixin, AuditedModelAdmin, register_person_school
from schools.models import (
    AcademicYear,
    Bureau,
    BureauMembership,
    Campaign,
    CampaignPhase,
    Classroom,
    Guardian,
    Membership,
    Pupil,
    School,
    Term,
)
from schools.selectors import home_school_id

# Changes to a person's user record or API token are audited in their school's chain.
register_person_school(home_school_id)


@admin.register(Bureau)
class BureauAdmin(AuditedModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(School)
class SchoolAdmin(AuditedModelAdmin):
    list_display = ["code", "name", "stage", "bureau"]
    list_filter = ["bureau", "stage"]
    search_fields = ["code", "name"]


class TermInline(admin.TabularInline):
    model = Term
    extra = 0


@admin.register(AcademicYear)
class AcademicYearAdmin(AuditedModelAdmin):
    list_display = ["name", "starts_on", "ends_on"]
    inlines = [TermInline]


@admin.register(Classroom)
class ClassroomAdmin(AuditedModelAdmin):
    list_display = ["label", "school", "academic_year", "class_teacher"]
    list_filter = ["academic_year", "school", "grade"]
    list_select_related = ["school", "academic_year", "class_teacher"]
    autocomplete_fields = ["school", "class_teacher"]
    search_fields = ["school__name"]


@admin.register(Membership)
class MembershipAdmin(AuditedModelAdmin):
    list_display = ["user", "school", "role", "is_active"]
    list_filter = ["role", "is_active", "school"]
    list_select_related = ["user", "school"]
    autocomplete_fields = ["user", "school"]
    search_fields = ["user__username", "user__full_name", "school__name"]


@admin.register(BureauMembership)
class BureauMembershipAdmin(AuditedModelAdmin):
    list_display = ["user", "bureau", "role", "is_active"]
    list_select_related = ["user", "bureau"]
    autocomplete_fields = ["user"]


class GuardianInline(admin.TabularInline):
    model = Guardian
    extra = 0


@admin.register(Pupil)
class PupilAdmin(AuditedModelAdmin):
    list_display = ["student_number", "name", "gender", "classroom", "school", "is_active", "left_roll_on"]
    list_filter = ["school", "left_behind", "single_parent", "migrant_child", "registered_poor", "is_active"]
    readonly_fields = ["anonymised_at"]
    list_select_related = ["school", "classroom", "classroom__academic_year"]
    search_fields = ["student_number", "name"]
    autocomplete_fields = ["school", "classroom"]
    inlines = [GuardianInline]


class CampaignPhaseInline(admin.TabularInline):
    model = CampaignPhase
    extra = 0


@admin.register(Campaign)
class CampaignAdmin(AuditedModelAdmin):
    list_display = ["name", "bureau", "year", "starts_on", "ends_on"]
    list_filter = ["bureau", "year"]
    list_select_related = ["bureau"]
    inlines = [CampaignPhaseInline]


@admin.register(CampaignPhase)
class CampaignPhaseAdmin(AuditedModelAdmin):
    list_display = ["campaign", "kind", "starts_on", "ends_on", "order"]
    list_filter = ["kind", "campaign__year"]
    list_select_related = ["campaign"]


# The user admin lives here, with the school and bureau memberships shown inline: accounts sits
# below schools and the audit trail, so it cannot import them.
class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["school"]


class BureauMembershipInline(admin.TabularInline):
    model = BureauMembership
    extra = 0


@admin.register(User)
class UserAdmin(AuditedAdminMixin, DjangoUserAdmin):
    list_display = ["username", "full_name", "phone", "is_active", "is_staff", "last_login"]
    search_fields = ["username", "full_name", "phone", "email"]
    ordering = ["username"]
    inlines = [MembershipInline, BureauMembershipInline]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("full_name", "phone", "email")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "full_name", "password1", "password2")}),
    )
