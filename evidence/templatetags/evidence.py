"""``{% load evidence %}{% pupil_evidence_links pupil %}``: the pupil page's export card (the
evidence file, and for the principal the data-subject export)."""

from __future__ import annotations

from typing import Any

from django import template

from accounts.models import User
from evidence.selectors import default_year, pupil_may_export, pupil_may_subject_export
from schools.models import Pupil

register = template.Library()


@register.inclusion_tag("evidence/_pupil_links.html", takes_context=True)
def pupil_evidence_links(context: dict[str, Any], pupil: Pupil) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    allowed = isinstance(user, User) and pupil_may_export(user=user, pupil=pupil)
    subject = isinstance(user, User) and pupil_may_subject_export(user=user, pupil=pupil)
    return {
        "pupil": pupil,
        "allowed": allowed,
        "subject": subject,
        "year": default_year(bureau_id=pupil.school.bureau_id) if allowed else None,
    }
