"""Who besides the case's own roles may read its confidential notes: the counsellors a
principal grants (guardian object permissions, audited)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from audit.services import AuditContext, audit_record
from casework import access, rules
from casework.services.cases import NOTES_PERM, case_lock
from core.errors import ErrorCode, Forbidden, Invalid
from schools.models import Membership

if TYPE_CHECKING:
    from accounts.models import User


def counsellor_grant(
    *, case_id: int, user: User, counsellor_id: int, context: AuditContext | None = None
) -> None:
    """A principal grants a counsellor of the school access to the case's confidential notes;
    never to themselves (403, code ``four_eyes``)."""
    _change_counsellor_grant(
        case_id=case_id, user=user, counsellor_id=counsellor_id, grant=True, context=context
    )


def counsellor_revoke(
    *, case_id: int, user: User, counsellor_id: int, context: AuditContext | None = None
) -> None:
    _change_counsellor_grant(
        case_id=case_id, user=user, counsellor_id=counsellor_id, grant=False, context=context
    )


def _change_counsellor_grant(
    *, case_id: int, user: User, counsellor_id: int, grant: bool, context: AuditContext | None
) -> None:
    with transaction.atomic():
        case = case_lock(case_id=case_id, user=user)
        if not rules.is_school_leader(case, user):
            raise Forbidden(_("Only the principal or a vice principal may grant or revoke access."))
        if grant and counsellor_id == user.pk:
            # Nobody opens the notes to themselves: a leader who is also a counsellor is granted
            # by another leader (or reads them through break-glass, announced and reviewed).
            raise Forbidden(
                _("You cannot grant yourself access to the notes: another principal or vice principal must."),
                code=ErrorCode.FOUR_EYES,
            )
        membership = (
            Membership.objects.filter(
                user_id=counsellor_id,
                school_id=case.school_id,
                role=Membership.Role.COUNSELLOR,
                is_active=True,
            )
            .select_related("user")
            .first()
        )
        if membership is None:
            raise Invalid(
                _("Choose a counsellor of this school."),
                errors={"counsellor": [_("Not a counsellor of this school.")]},
            )
        if grant:
            assign_perm(NOTES_PERM, membership.user, case)
        else:
            remove_perm(NOTES_PERM, membership.user, case)
        access.forget_roles(case)
        audit_record(
            action="permission.grant" if grant else "permission.revoke",
            actor=user,
            target=case,
            case_id=case.pk,
            school_id=case.school_id,
            detail={"permission": access.NOTES_PERMISSION, "user": membership.user_id},
            context=context,
        )
