"""``{% load care %}``: the small cards that link the case page and the pupil page to the care pages."""

from __future__ import annotations

from typing import Any

from django import template

from care import access as archive_access
from care.models import CounsellingSession, SpecialGroupArchive, TutoringSession
from casework import access
from casework.models import Case, Category
from schools.models import Pupil

register = template.Library()


@register.inclusion_tag("care/_case_links.html", takes_context=True)
def care_case_links(context: dict[str, Any], case: Case) -> dict[str, Any]:
    """Links to the case's tutoring and counselling sessions (by category) and to the pupil's archive."""
    user = context["request"].user
    codes = case.category_codes
    academic = Category.ACADEMIC in codes
    psychological = Category.PSYCHOLOGICAL in codes
    archive_roles = archive_access.archive_roles(case.pupil, user)
    return {
        "case": case,
        "academic": academic,
        "psychological": psychological,
        "tutoring": TutoringSession.objects.filter(case=case).count() if academic else 0,
        "counselling": CounsellingSession.objects.filter(case=case).count() if psychological else 0,
        "counselling_granted": access.NOTES in access.case_roles(case, user),
        "archive_visible": bool(archive_roles),
        "has_archive": bool(archive_roles)
        and SpecialGroupArchive.objects.filter(pupil_id=case.pupil_id).exists(),
    }


@register.inclusion_tag("care/_pupil_links.html", takes_context=True)
def care_pupil_links(context: dict[str, Any], pupil: Pupil) -> dict[str, Any]:
    """The pupil's special-group archive, for those who may read it."""
    roles = archive_access.archive_roles(pupil, context["request"].user)
    return {
        "pupil": pupil,
        "visible": bool(roles),
        "can_write": bool(roles & archive_access.WRITERS),
        "archive": SpecialGroupArchive.objects.filter(pupil=pupil).first() if roles else None,
    }
