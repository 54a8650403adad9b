"""``{% load inspections_tags %}``: whether the main menu shows the inspections entry."""

from __future__ import annotations

from typing import Any

from django import template

from inspections import access

register = template.Library()


@register.filter
def sees_inspections(user: Any) -> bool:
    """Inspectors, and the principals, vice principals and administrators of a school."""
    return access.scope_for(user).sees_anything
