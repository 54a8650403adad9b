"""``{% load consents %}{% pupil_consents_card pupil %}``: the pupil page's consents card."""

from __future__ import annotations

from typing import Any

from django import template

from consents import access
from consents.selectors import consent_states
from schools.models import Pupil

register = template.Library()


@register.inclusion_tag("consents/_pupil_card.html", takes_context=True)
def pupil_consents_card(context: dict[str, Any], pupil: Pupil) -> dict[str, Any]:
    """The state of each purpose, for those who may see the pupil's consents (nothing for others)."""
    request = context.get("request")
    roles = access.consent_roles(pupil, getattr(request, "user", None))
    return {
        "pupil": pupil,
        "visible": bool(roles),
        "can_record": bool(roles & access.WRITERS),
        "states": consent_states(pupil=pupil) if roles else [],
    }
