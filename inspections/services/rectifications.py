"""Writes on rectifications: an inspector opens one on a finding, the school answers, the inspector
returns or closes it."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition

from audit.services import AuditContext, audit_record
from core.errors import Conflict, Invalid, NotFound
from core.text import clean_text
from inspections import access
from inspections.models import Finding, Inspection, Rectification
from inspections.services.common import MAX_TEXT, fire, locked_inspection
from workflows.models import NotificationKind
from workflows.notify import leaders_of_school, notify

if TYPE_CHECKING:
    from accounts.models import User


def rectification_open(
    *, user: User, finding_id: int, deadline: datetime.date | None, context: AuditContext | None = None
) -> Rectification:
    """An inspector asks the school to correct a finding of a submitted inspection by a deadline."""
    with transaction.atomic():
        finding = Finding.objects.select_related("inspection").filter(pk=finding_id).first()
        if finding is None:
            raise NotFound(_("No such finding."))
        inspection, _roles = locked_inspection(user=user, inspection_id=finding.inspection_id)
        if inspection.state != Inspection.State.SUBMITTED:
            raise Conflict(_("Submit the inspection first."), code="invalid_state")
        if not finding.needs_rectification:
            raise Conflict(_("This finding does not need a rectification."), code="no_rectification_needed")
        if Rectification.objects.filter(finding=finding).exists():
            raise Conflict(_("This finding has a rectification already."), code="exists")
        if deadline is None or deadline < timezone.localdate():
            raise Invalid(
                _("Give a deadline from today on."),
                errors={"deadline": [_("Give a deadline from today on.")]},
            )
        rectification = Rectification(
            finding=finding, school_id=inspection.school_id, deadline=deadline, opened_by=user
        )
        rectification.full_clean(exclude=["state"])
        rectification.save()
        audit_record(
            action="rectification.opened",
            actor=user,
            target=rectification,
            school_id=inspection.school_id,
            detail={
                "finding": finding.pk,
                "inspection": inspection.pk,
                "new": {"deadline": deadline.isoformat(), "state": rectification.state},
            },
            context=context,
        )
        _notify(rectification, kind=NotificationKind.RECTIFICATION_ISSUED, event="issued", actor=user)
    return rectification


def _notify(
    rectification: Rectification, *, kind: str, event: str, actor: User | None, overdue: bool = False
) -> list[int]:
    """The school's principal and vice principals, who answer rectifications, are told once."""
    school = rectification.school
    return notify(
        kind=kind,
        event=f"rectification:{rectification.pk}:{event}",
        recipients=leaders_of_school(school_id=rectification.school_id),
        school_id=rectification.school_id,
        url=reverse("inspections:rectification_detail", args=[rectification.pk]),
        params={
            "rectification": rectification.pk,
            "school": school.name,
            "deadline": rectification.deadline.isoformat(),
            "overdue": overdue,
        },
        actor=actor,
    )


def rectification_reminders_send(*, today: datetime.date | None = None) -> int:
    """Tell the school's leaders once when an unanswered rectification is due within
    ``WANJIA_RECTIFICATION_DUE_DAYS`` and once more when it is overdue; how many were told."""
    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=int(settings.WANJIA_RECTIFICATION_DUE_DAYS))
    told = 0
    with transaction.atomic():
        due = (
            Rectification.objects.filter(state=Rectification.State.OPEN, deadline__lte=horizon)
            .select_related("school")
            .order_by("id")
        )
        for rectification in due:
            overdue = rectification.deadline < today
            told += len(
                _notify(
                    rectification,
                    kind=NotificationKind.RECTIFICATION_DUE,
                    # The deadline in the key: a moved deadline is told again.
                    event=f"{'overdue' if overdue else 'due'}:{rectification.deadline.isoformat()}",
                    actor=None,
                    overdue=overdue,
                )
            )
    return told


def _rectification_transition(
    *,
    user: User,
    rectification_id: int,
    name: str,
    text_field: str,
    text: str,
    action: str,
    update_fields: list[str],
    context: AuditContext | None,
) -> Rectification:
    with transaction.atomic():
        rectification = (
            Rectification.objects.select_for_update(of=("self",))
            .select_related("school")
            .filter(pk=rectification_id)
            .first()
        )
        if rectification is None or not access.school_roles(
            user=user, bureau_id=rectification.school.bureau_id, school_id=rectification.school_id
        ):
            raise NotFound(_("No such rectification."))
        old_text = getattr(rectification, text_field)
        setattr(rectification, text_field, clean_text(text)[:MAX_TEXT])
        source = fire(rectification, name, user, state_label=rectification.get_state_display())
        try:
            rectification.save(update_fields=["state", text_field, *update_fields, "updated_at"])
        except ConcurrentTransition as exc:
            raise Conflict(_("Someone else changed this at the same time."), code="concurrent") from exc
        audit_record(
            action=action,
            actor=user,
            target=rectification,
            school_id=rectification.school_id,
            detail={
                "old": {"state": source, text_field: old_text},
                "new": {"state": rectification.state, text_field: getattr(rectification, text_field)},
            },
            context=context,
        )
    return rectification


def rectification_answer(
    *, user: User, rectification_id: int, response: str, context: AuditContext | None = None
) -> Rectification:
    """The principal or a vice principal answers: what the school has done."""
    return _rectification_transition(
        user=user,
        rectification_id=rectification_id,
        name="answer",
        text_field="response",
        text=response,
        action="rectification.answered",
        update_fields=["answered_by", "answered_at"],
        context=context,
    )


def rectification_return(
    *, user: User, rectification_id: int, comment: str, context: AuditContext | None = None
) -> Rectification:
    """The inspector is not satisfied: back to the school, with a comment (required)."""
    return _rectification_transition(
        user=user,
        rectification_id=rectification_id,
        name="return_to_school",
        text_field="return_comment",
        text=comment,
        action="rectification.returned",
        update_fields=[],
        context=context,
    )


def rectification_close(
    *, user: User, rectification_id: int, comment: str = "", context: AuditContext | None = None
) -> Rectification:
    """The inspector accepts the school's answer."""
    return _rectification_transition(
        user=user,
        rectification_id=rectification_id,
        name="close",
        text_field="closing_comment",
        text=comment,
        action="rectification.closed",
        update_fields=["closed_by", "closed_at"],
        context=context,
    )
