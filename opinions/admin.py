"""Opinions are read in the admin only: they change through the services, which audit every step."""

from django.contrib import admin
from django.http import HttpRequest

from audit.admin import AuditedModelAdmin
from opinions.models import ParentOpinion


@admin.register(ParentOpinion)
class ParentOpinionAdmin(AuditedModelAdmin):
    list_display = ["id", "school", "raised_on", "about", "state"]
    list_filter = ["state", "about"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
