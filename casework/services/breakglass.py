"""Break-glass: emergency, read-only, time-limited access to a case's confidential notes for the
school's principal or vice principals and the bureau's inspectors (docs/break-glass.md).

Opening it takes a written reason; it lasts ``WANJIA_BREAK_GLASS_MINUTES``; the case's
counsellors and the bureau's inspectors are told at once (e-mail after commit, and an in-app
notification from whoever listens to ``casework.signals.notes_break_glass_opened``); an
inspector of the bureau reviews it afterwards. Every step is audited.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, NoReturn

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from audit.services import AuditContext, audit_record
from casework import access
from casework.mail import Compose, mail_on_commit
from casework.models import (
    BreakGlassAccess,
    BreakGlassRole,
    Case,
    CaseCategory,
    CaseUserObjectPermission,
    Category,
)
from casework.notes import break_glass_active
from casework.selectors import break_glass_get_for_user, inspects_school
from casework.signals import notes_break_glass_opened
from core.errors import Conflict, ErrorCode, Forbidden, Invalid, NotFound
from core.text import clean_text
from schools.models import BureauMembership, Membership

if TYPE_CHECKING:
    from accounts.models import User

MIN_REASON_LENGTH = 20
MAX_REASON_LENGTH = 2000
MAX_COMMENT_LENGTH = 2000


def break_glass_minutes() -> int:
    return int(getattr(settings, "WANJIA_BREAK_GLASS_MINUTES", 60))


def break_glass_recipients(*, case: Case, exclude: User | None = None) -> list[User]:
    """Who is told at once: the case's counsellors (every active counsellor of the school on a
    psychological case, else those granted on it) and the active inspectors of the bureau."""
    from accounts.models import User

    counsellors = Membership.objects.filter(
        school_id=case.school_id, role=Membership.Role.COUNSELLOR, is_active=True
    )
    if not CaseCategory.objects.filter(case=case, category=Category.PSYCHOLOGICAL).exists():
        counsellors = counsellors.filter(
            Exists(
                CaseUserObjectPermission.objects.filter(
                    content_object_id=case.pk,
                    user_id=OuterRef("user_id"),
                    permission__codename=access.NOTES_PERMISSION,
                )
            )
        )
    inspectors = BureauMembership.objects.filter(
        bureau_id=case.school.bureau_id, role=BureauMembership.Role.INSPECTOR, is_active=True
    )
    ids = set(counsellors.values_list("user_id", flat=True)) | set(
        inspectors.values_list("user_id", flat=True)
    )
    if exclude is not None:
        ids.discard(exclude.pk)
    return list(User.objects.filter(pk__in=ids, is_active=True).order_by("pk"))


def _refuse(
    *, case_id: int, case: Case | None, user: User, roles: frozenset[str], context: AuditContext | None
) -> NoReturn:
    # Recorded in its own transaction, so that the refusal survives the error.
    with transaction.atomic():
        audit_record(
            action="notes.break_glass_refused",
            actor=user,
            target=case if roles else None,
            case_id=case_id,
            school_id=case.school_id if case is not None and roles else None,
            detail={"reason": "not_eligible" if roles else "not_visible"},
            context=context,
        )
    if not roles:
        raise NotFound(_("No such case."))
    raise Forbidden(
        _(
            "Only the school's principal or vice principals and the bureau's inspectors may open "
            "the notes in an emergency."
        )
    )


def break_glass_open(
    *, case_id: int, user: User, reason: str, context: AuditContext | None = None
) -> BreakGlassAccess:
    """Open the case's confidential notes to a leader or inspector, read-only, for a limited time.

    404 for a case the user does not see, 403 (audited) for anyone not eligible, 400 without a
    reason of at least ``MIN_REASON_LENGTH`` characters, 409 while their last one is still open.
    """
    case = Case.objects.filter(pk=case_id).select_related("school").first()
    roles = access.case_roles(case, user) if case is not None else frozenset()
    if case is None or not roles & access.BREAK_GLASS_ELIGIBLE:
        _refuse(case_id=case_id, case=case, user=user, roles=roles, context=context)
    if access.NOTES in roles:
        raise Conflict(_("You are granted on this case: open the notes directly."))
    reason = clean_text(reason)
    if len(reason) < MIN_REASON_LENGTH or len(reason) > MAX_REASON_LENGTH:
        message = _("Say why, in at least %(min)s and at most %(max)s characters.") % {
            "min": MIN_REASON_LENGTH,
            "max": MAX_REASON_LENGTH,
        }
        raise Invalid(_("Emergency access needs a reason."), errors={"reason": [message]})
    role = BreakGlassRole.LEADER if access.LEADER in roles else BreakGlassRole.INSPECTOR
    with transaction.atomic():
        # The case row serialises two openings by the same person (a double click).
        Case.objects.select_for_update(of=("self",)).filter(pk=case.pk).first()
        current = break_glass_active(case=case, user=user)
        if current is not None:
            raise Conflict(
                _("Your emergency access to these notes is open until %(until)s.")
                % {"until": formats.date_format(timezone.localtime(current.expires_at), "Y-m-d H:i")},
                code=ErrorCode.EXISTS,
            )
        now = timezone.now()
        grant = BreakGlassAccess(
            case=case,
            user=user,
            role=role,
            reason=reason,
            opened_at=now,
            expires_at=now + datetime.timedelta(minutes=break_glass_minutes()),
        )
        grant.full_clean()
        grant.save()
        access.forget_roles(case)
        recipients = break_glass_recipients(case=case, exclude=user)
        mailed = mail_on_commit(
            recipients=recipients, compose=_opened_mail(grant, case, user), label="break-glass"
        )
        audit_record(
            action="notes.break_glass_opened",
            actor=user,
            target=grant,
            case_id=case.pk,
            school_id=case.school_id,
            detail={
                "break_glass": grant.pk,
                "role": role,
                "reason": reason,
                "expires_at": grant.expires_at.isoformat(),
                "minutes": break_glass_minutes(),
                "notified": [r.pk for r in recipients],
                "mailed": mailed,
            },
            context=context,
        )
        # Inside the transaction: a listener's failure undoes the opening (ADR 0003).
        notes_break_glass_opened.send(sender=Case, case=case, access=grant, actor=user, recipients=recipients)
    return grant


def _opened_mail(grant: BreakGlassAccess, case: Case, user: User) -> Compose:
    school = case.school.name
    who = user.get_full_name() or user.username
    expires_at = grant.expires_at
    role = grant.role
    link = reverse("casework:case_detail", args=[case.pk])
    review = reverse("casework:break_glass_list")

    def compose() -> tuple[str, str]:
        until = formats.date_format(timezone.localtime(expires_at), "Y-m-d H:i")
        subject = _("[Wanjia] Emergency access to the confidential notes of case %(case)s") % {
            "case": case.pk
        }
        body = "\n\n".join(
            [
                _(
                    "%(who)s (%(role)s) opened the confidential notes of case %(case)s at %(school)s "
                    "in an emergency. The access is read-only and ends at %(until)s. Every read is recorded."
                )
                % {
                    "who": who,
                    "role": BreakGlassRole(role).label,
                    "case": case.pk,
                    "school": school,
                    "until": until,
                },
                _("The case: %(link)s") % {"link": link},
                _("Inspectors review every emergency access: %(link)s") % {"link": review},
            ]
        )
        return subject, body

    return compose


def break_glass_review(
    *, access_id: int, user: User, comment: str, context: AuditContext | None = None
) -> BreakGlassAccess:
    """An inspector of the bureau marks an emergency access reviewed, with a comment (the one
    write an inspector makes). 404 unseen, 403 for anyone else or for the person who opened it,
    400 without a comment, 409 when already reviewed."""
    grant = break_glass_get_for_user(user=user, access_id=access_id)
    if not inspects_school(user=user, school=grant.case.school):
        raise Forbidden(_("Only the bureau's inspectors review emergency accesses."))
    if grant.user_id == user.pk:
        raise Forbidden(_("Someone else reviews your own emergency access."), code=ErrorCode.FOUR_EYES)
    comment = clean_text(comment)
    if not comment or len(comment) > MAX_COMMENT_LENGTH:
        raise Invalid(
            _("The review needs a comment."),
            errors={
                "comment": [_("Write a comment of at most %(max)s characters.") % {"max": MAX_COMMENT_LENGTH}]
            },
        )
    with transaction.atomic():
        grant = BreakGlassAccess.objects.select_for_update().select_related("case").get(pk=grant.pk)
        if grant.reviewed_at is not None:
            raise Conflict(_("This emergency access has already been reviewed."))
        now = timezone.now()
        grant.reviewed_by = user
        grant.reviewed_at = now
        grant.review_comment = comment
        grant.save(update_fields=["reviewed_by", "reviewed_at", "review_comment"])
        audit_record(
            action="notes.break_glass_reviewed",
            actor=user,
            target=grant,
            case_id=grant.case_id,
            school_id=grant.case.school_id,
            detail={
                "break_glass": grant.pk,
                "opened_by": grant.user_id,
                "comment": comment,
                "expired": not grant.is_active(now),
            },
            context=context,
        )
    return grant
