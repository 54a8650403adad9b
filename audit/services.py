"""Writing audit events. Callers pass an AuditContext built from the request (or none)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import models
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import User
from audit.models import AuditEvent


@dataclass(frozen=True)
class AuditContext:
    """Where an act came from: request IP and user agent."""

    ip: str | None = None
    user_agent: str = ""

    @classmethod
    def from_request(cls, request: HttpRequest) -> AuditContext:
        # Behind the production proxy REMOTE_ADDR is the proxy, which appends the address that
        # reached it to X-Forwarded-For; without a proxy that header is the client's to forge.
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if settings.WANJIA_TRUST_X_FORWARDED_FOR and forwarded:
            ip = forwarded.split(",")[-1].strip()
        else:
            ip = request.META.get("REMOTE_ADDR")
        return cls(ip=ip or None, user_agent=request.META.get("HTTP_USER_AGENT", "")[:300])


def audit_record(
    *,
    action: str,
    actor: User | None,
    target: models.Model | None = None,
    case_id: int | None = None,
    school_id: int | None = None,
    detail: dict[str, Any] | None = None,
    context: AuditContext | None = None,
) -> AuditEvent:
    """Append one event. Call inside the transaction of the act it records."""
    context = context or AuditContext()
    actor_label = ""
    if actor is not None:
        actor_label = f"{actor.get_full_name()} ({actor.username})" if actor.full_name else actor.username
    return AuditEvent.objects.create(
        occurred_at=timezone.now(),
        actor=actor,
        actor_label=actor_label,
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        case_id=case_id,
        school_id=school_id,
        detail=detail or {},
        ip=context.ip,
        user_agent=context.user_agent,
    )
