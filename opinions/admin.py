"""Opinions are read in the admin only: they change through the services, which audit every step."""

from django.contrib import admin

from audit.admin import ReadOnlyAuditedModelAdmin
from opinions.models import ParentOpinion


@admin.register(ParentOpinion)
class ParentOpinionAdmin(ReadOnlyAuditedModelAdmin):
    list_display = ["id", "school", "raised_on", "about", "state"]
    list_filter = ["state", "about"]
