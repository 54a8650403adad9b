"""Writing audit events. Callers pass an AuditContext built from the request (or none)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import User
from audit.chain import (
    CURRENT_HASH_VERSION,
    ERASED_DETAIL,
    chain_for_school,
    event_hash_v2,
    new_salt,
    payload_digest,
)
from audit.models import AuditChainHead, AuditEvent
from core.http import client_ip

if TYPE_CHECKING:
    from casework.models import Case, HomeVisit
    from schools.models import Pupil


@dataclass(frozen=True)
class AuditContext:
    """Where an act came from: request IP and user agent."""

    ip: str | None = None
    user_agent: str = ""

    @classmethod
    def from_request(cls, request: HttpRequest) -> AuditContext:
        # The same address the sign-in lockout counts (X-Forwarded-For only behind our proxy).
        # The user agent is the client's to write; PostgreSQL holds no NUL character in text.
        user_agent = request.META.get("HTTP_USER_AGENT", "").replace("\x00", "")
        return cls(ip=client_ip(request), user_agent=user_agent[:300])


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
    # Stored exactly as hashed: JSON round-trip for detail, the field's own normalisation for ip.
    detail_value = json.loads(json.dumps(detail or {}))
    ip = AuditEvent._meta.get_field("ip").get_prep_value(context.ip)
    salt = new_salt()
    fields: dict[str, Any] = {
        "chain": chain_for_school(school_id),
        "occurred_at": timezone.now(),
        "actor_id": actor.pk if actor is not None else None,
        "actor_label": actor_label,
        "action": action,
        "target_type": target._meta.label_lower if target is not None else "",
        "target_id": str(target.pk) if target is not None else "",
        "case_id": case_id,
        "school_id": school_id,
        "payload_digest": payload_digest(
            salt=salt, detail=detail_value, ip=ip, user_agent=context.user_agent
        ),
    }
    with transaction.atomic():
        # Lock only this chain's head, so one school's writes never wait on another's.
        AuditChainHead.objects.bulk_create([AuditChainHead(chain=fields["chain"])], ignore_conflicts=True)
        head = AuditChainHead.objects.select_for_update().get(chain=fields["chain"])
        fields["seq"] = head.seq + 1
        fields["prev_hash"] = head.hash
        fields["hash"] = event_hash_v2(**fields)
        event = AuditEvent.objects.create(
            **fields,
            hash_version=CURRENT_HASH_VERSION,
            payload_salt=salt,
            detail=detail_value,
            ip=ip,
            user_agent=context.user_agent,
        )
        head.seq, head.hash = event.seq, event.hash
        head.save(update_fields=["seq", "hash"])
    return event


# The reads audit_view records: a case and its care pages, a pupil and their special-group
# archive, a home visit. The per-pupil access log (audit_browser.selectors) lists them all.
CASE_READS = {"": "case.viewed", "tutoring": "tutoring.viewed", "counselling": "counselling.viewed"}
PUPIL_READS = {"": "pupil.viewed", "archive": "archive.viewed"}
VISIT_VIEWED = "visit.viewed"


def audit_view(
    *,
    actor: User,
    case: Case | None = None,
    pupil: Pupil | None = None,
    visit: HomeVisit | None = None,
    record: str = "",
    context: AuditContext | None = None,
) -> AuditEvent:
    """Record that ``actor`` looked at a case, a pupil or a home visit, or at one of their records.

    - a case: ``case.viewed``; its tutoring (``record="tutoring"``) or counselling
      (``record="counselling"``) sessions: ``tutoring.viewed``, ``counselling.viewed``. Target the case.
    - a pupil: ``pupil.viewed``; their special-group archive (``record="archive"``):
      ``archive.viewed``. Target the pupil.
    - a home visit: ``visit.viewed``, target the visit, with its case's id when it has one.

    Called by the pages and the API after the selector let the user in; one event, in its own
    short transaction. The pupil's id is in every view event, for the access log.
    """
    if case is not None:
        return audit_record(
            action=CASE_READS[record],
            actor=actor,
            target=case,
            case_id=case.pk,
            school_id=case.school_id,
            detail={"pupil_id": case.pupil_id},
            context=context,
        )
    if visit is not None:
        return audit_record(
            action=VISIT_VIEWED,
            actor=actor,
            target=visit,
            case_id=visit.case_id,
            school_id=visit.school_id,
            detail={"pupil_id": visit.pupil_id},
            context=context,
        )
    if pupil is None:
        raise ValueError("audit_view needs a case, a pupil or a visit")
    return audit_record(
        action=PUPIL_READS[record],
        actor=actor,
        target=pupil,
        school_id=pupil.school_id,
        detail={"pupil_id": pupil.pk},
        context=context,
    )


def audit_export_record(
    *,
    actor: User,
    export_format: str,
    filters: dict[str, str],
    rows: int,
    case_id: int | None = None,
    school_id: int | None = None,
    context: AuditContext | None = None,
) -> AuditEvent:
    """Record an export of audit events (format, filters, row count) before it is sent.

    Committed on its own, so the record stands even if the download is then interrupted.
    """
    with transaction.atomic():
        return audit_record(
            action="audit.exported",
            actor=actor,
            case_id=case_id,
            school_id=school_id,
            detail={"format": export_format, "filters": filters, "rows": rows},
            context=context,
        )


def audit_erase(*, events: models.QuerySet[AuditEvent]) -> int:
    """Erase the personal payload (detail, ip, user agent) of these events, and its salt; returns
    how many were erased. Version-1 events and events already erased are left as they are.

    The chain still verifies: a version-2 hash covers the payload's digest, not the payload. The
    caller records the count in an event of its own, in the same transaction, under
    ``audit.chain.ERASED_COUNT_KEY`` (verify_audit checks that every erased event is accounted for). The
    append-only trigger lets exactly this update through and nothing else.
    """
    return audit_erasable(events).update(
        detail=ERASED_DETAIL, ip=None, user_agent="", payload_salt="", erased_at=timezone.now()
    )


def audit_erasable(events: models.QuerySet[AuditEvent]) -> models.QuerySet[AuditEvent]:
    """Those of ``events`` whose payload ``audit_erase`` would erase (version 2, not yet erased)."""
    return events.filter(hash_version__gte=2, erased_at__isnull=True).exclude(payload_salt="")
