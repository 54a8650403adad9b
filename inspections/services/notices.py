"""Writes on notices of criticism and commendations: issue, withdraw."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import AuditContext, audit_record
from core.errors import Conflict, Forbidden, Invalid, NotFound
from core.text import clean_text
from inspections import access
from inspections.models import Inspection, Notice
from inspections.services.common import (
    MAX_TEXT,
    check_date,
    require_inspector_somewhere,
    school_for_inspector,
)
from schools.selectors import school_staff

if TYPE_CHECKING:
    from accounts.models import User


def notice_issue(
    *,
    user: User,
    school_id: int,
    kind: str,
    title: str,
    text: str,
    issued_on: datetime.date | None = None,
    teacher_ids: Iterable[int] = (),
    inspection_id: int | None = None,
    context: AuditContext | None = None,
) -> Notice:
    """Publish a notice of criticism or a commendation at once."""
    require_inspector_somewhere(user)
    school = school_for_inspector(user=user, school_id=school_id)
    title, text = clean_text(title), clean_text(text)
    issued_on = issued_on or timezone.localdate()
    errors: dict[str, list[str]] = {}
    if kind not in Notice.Kind.values:
        errors["kind"] = [_("Choose a notice of criticism or a commendation.")]
    if not title:
        errors["title"] = [_("Give the notice a title.")]
    if not text:
        errors["text"] = [_("Write the notice.")]
    check_date(issued_on, "issued_on", errors)
    teachers = sorted(set(teacher_ids))
    if teachers and set(teachers) - set(
        school_staff(school_id=school.pk).filter(pk__in=teachers).values_list("pk", flat=True)
    ):
        errors["teachers"] = [_("Every teacher named must be on the staff of the school.")]
    if (
        inspection_id is not None
        and not Inspection.objects.filter(
            pk=inspection_id, school=school, state=Inspection.State.SUBMITTED
        ).exists()
    ):
        errors["inspection"] = [_("Link a submitted inspection of this school.")]
    if errors:
        raise Invalid(_("The notice cannot be issued."), errors=errors)
    with transaction.atomic():
        notice = Notice(
            kind=kind,
            bureau_id=school.bureau_id,
            school=school,
            inspection_id=inspection_id,
            title=title[:200],
            text=text[:MAX_TEXT],
            issued_on=issued_on,
            issued_by=user,
            published_at=timezone.now(),
        )
        notice.full_clean()
        notice.save()
        notice.teachers.set(teachers)
        audit_record(
            action="notice.issued",
            actor=user,
            target=notice,
            school_id=school.pk,
            detail={
                "new": {
                    "kind": kind,
                    "title": notice.title,
                    "text": notice.text,
                    "issued_on": issued_on.isoformat(),
                    "teachers": teachers,
                    "inspection": inspection_id,
                }
            },
            context=context,
        )
    return notice


def notice_withdraw(
    *, user: User, notice_id: int, reason: str, context: AuditContext | None = None
) -> Notice:
    """Withdraw a published notice, with a reason. Notices are never deleted."""
    with transaction.atomic():
        notice = Notice.objects.select_for_update(of=("self",)).filter(pk=notice_id).first()
        if notice is None:
            raise NotFound(_("No such notice."))
        roles = access.school_roles(user=user, bureau_id=notice.bureau_id, school_id=notice.school_id)
        if access.INSPECTOR not in roles:
            if roles or notice.teachers.filter(pk=user.pk).exists():
                raise Forbidden(_("Only the bureau's inspectors may withdraw a notice."))
            raise NotFound(_("No such notice."))
        if notice.is_withdrawn:
            raise Conflict(_("The notice is withdrawn already."), code="invalid_state")
        reason = clean_text(reason)
        if not reason:
            raise Invalid(
                _("Give the reason for withdrawing."),
                errors={"reason": [_("Give the reason for withdrawing.")]},
            )
        notice.withdrawn_at = timezone.now()
        notice.withdrawn_by = user
        notice.withdrawal_reason = reason[:MAX_TEXT]
        notice.full_clean()
        notice.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_reason"])
        audit_record(
            action="notice.withdrawn",
            actor=user,
            target=notice,
            school_id=notice.school_id,
            detail={
                "old": {"withdrawn": False},
                "new": {"withdrawn": True, "reason": notice.withdrawal_reason},
            },
            context=context,
        )
    return notice
