"""Template helpers of the audit pages, and the audit entry of the main navigation."""

from __future__ import annotations

import json
from typing import Any

from django import template
from django.db.models import Exists, OuterRef

from accounts.models import User
from audit.selectors import AUDIT_LEADERS
from schools.models import BureauMembership, Membership

register = template.Library()

_CACHE = "_wanjia_reads_audit"


@register.simple_tag(takes_context=True)
def reads_audit(context: dict[str, Any]) -> bool:
    """Whether the request's user may open the audit browser (one query, once per request)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if request is None or not isinstance(user, User) or not user.is_active:
        return False
    if not hasattr(request, _CACHE):
        leads = Membership.objects.filter(user=OuterRef("pk"), is_active=True, role__in=AUDIT_LEADERS)
        inspects = BureauMembership.objects.filter(
            user=OuterRef("pk"), is_active=True, role=BureauMembership.Role.INSPECTOR
        )
        setattr(
            request, _CACHE, User.objects.filter(pk=user.pk).filter(Exists(leads) | Exists(inspects)).exists()
        )
    return bool(getattr(request, _CACHE))


@register.filter
def short_hash(value: str, length: int = 10) -> str:
    """The first characters of a hash; the template puts the full value in a title attribute."""
    return value[:length] + "…" if value and len(value) > length else value or ""


@register.filter
def as_json(value: Any) -> str:
    """An event's detail as compact JSON, Chinese left readable."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True) if value else ""
