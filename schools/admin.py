from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from django.db import models
from django.forms import BaseModelFormSet, ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from audit.admin import AuditedAdminMixin, AuditedModelAdmin, register_person_school
from audit.services import AuditContext
from schools.events import membership_changed_in_admin
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


# Nobody gives themselves a position in the admin (a counsellor's membership is half of the way
# to a case's confidential notes, a principal's the power to grant them): their own memberships
# are read-only to them, and a new one cannot name them. Another administrator makes the change,
# and the school's counsellors hear of it (schools.events, casework.receivers).
OWN_POSITION = _("Nobody changes their own positions here: ask another administrator.")


def _is_own(request: HttpRequest, obj: Any) -> bool:
    return obj is not None and getattr(obj, "user_id", None) == request.user.pk


class NotOwnPositionForm(forms.ModelForm):
    request_user_id: int | None = None  # set per request by NotOwnPositionAdmin.get_form

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        user = data.get("user") or getattr(self.instance, "user", None)
        if user is not None and self.request_user_id is not None and user.pk == self.request_user_id:
            raise ValidationError(OWN_POSITION)
        return data


class NotOwnPositionAdmin(AuditedModelAdmin):
    form = NotOwnPositionForm

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        if issubclass(form, NotOwnPositionForm):
            form.request_user_id = request.user.pk  # a class made for this request
        return form

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _is_own(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _is_own(request, obj) and super().has_delete_permission(request, obj)


def _membership_state(membership: Membership) -> dict[str, Any]:
    return {"school_id": membership.school_id, "role": membership.role, "is_active": membership.is_active}


def _stored_membership(pk: int | None) -> dict[str, Any] | None:
    if pk is None:
        return None
    row = Membership.objects.filter(pk=pk).values("school_id", "role", "is_active").first()
    return dict(row) if row is not None else None


def announce_membership_change(
    request: HttpRequest, membership: Membership, change: str, old: dict[str, Any] | None
) -> None:
    """Tell whoever listens (casework) that the admin changed a school membership."""
    if change == "change" and old == _membership_state(membership):
        return  # saved without a change
    membership_changed_in_admin.send(
        sender=Membership,
        membership=membership,
        change=change,
        old=old,
        actor=request.user,
        context=AuditContext.from_request(request),
    )


@admin.register(Membership)
class MembershipAdmin(NotOwnPositionAdmin):
    list_display = ["user", "school", "role", "is_active"]
    list_filter = ["role", "is_active", "school"]
    list_select_related = ["user", "school"]
    autocomplete_fields = ["user", "school"]
    search_fields = ["user__username", "user__full_name", "school__name"]

    def save_model(self, request: HttpRequest, obj: models.Model, form: ModelForm, change: bool) -> None:
        assert isinstance(obj, Membership)
        old = _stored_membership(obj.pk) if change else None
        super().save_model(request, obj, form, change)
        announce_membership_change(request, obj, "change" if change else "add", old)

    def delete_model(self, request: HttpRequest, obj: models.Model) -> None:
        assert isinstance(obj, Membership)
        old = _stored_membership(obj.pk)
        super().delete_model(request, obj)
        announce_membership_change(request, obj, "delete", old)

    def delete_queryset(self, request: HttpRequest, queryset: models.QuerySet[Membership]) -> None:
        gone = [(membership, _membership_state(membership)) for membership in queryset]
        super().delete_queryset(request, queryset)
        for membership, old in gone:
            announce_membership_change(request, membership, "delete", old)


@admin.register(BureauMembership)
class BureauMembershipAdmin(NotOwnPositionAdmin):
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
class OwnPositionsReadOnlyInline(admin.TabularInline):
    """On the admin's own user page, their memberships are shown, not changed."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not (obj is not None and obj.pk == request.user.pk) and super().has_add_permission(
            request, obj
        )

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        own = obj is not None and obj.pk == request.user.pk
        return not own and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        own = obj is not None and obj.pk == request.user.pk
        return not own and super().has_delete_permission(request, obj)


class MembershipInline(OwnPositionsReadOnlyInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["school"]


class BureauMembershipInline(OwnPositionsReadOnlyInline):
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

    def save_formset(
        self, request: HttpRequest, form: ModelForm, formset: BaseModelFormSet, change: bool
    ) -> None:
        if formset.model is not Membership:
            super().save_formset(request, form, formset, change)
            return
        before = {
            f.instance.pk: _stored_membership(f.instance.pk)
            for f in formset.initial_forms
            if f.instance.pk is not None and f.has_changed()
        }
        deleted = [
            (f.instance, _stored_membership(f.instance.pk))
            for f in formset.deleted_forms
            if f.instance.pk is not None
        ]
        super().save_formset(request, form, formset, change)
        for membership in formset.new_objects:
            announce_membership_change(request, membership, "add", None)
        for membership, _fields in formset.changed_objects:
            announce_membership_change(request, membership, "change", before.get(membership.pk))
        for membership, old in deleted:
            announce_membership_change(request, membership, "delete", old)
