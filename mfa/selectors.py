"""Reads about the second factor: who must have one, where a person stands, and whose a school
leader may reset."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext as _
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from core.errors import Forbidden, NotFound
from schools.models import BureauMembership, Membership, School

if TYPE_CHECKING:
    import datetime

Role = Membership.Role

# School roles that must sign in with a second factor when WANJIA_MFA_REQUIRED is on: they read
# confidential notes, approve plans or administer the school. Inspectors and Django staff too.
MFA_ROLES = (Role.COUNSELLOR, Role.PRINCIPAL, Role.VICE_PRINCIPAL, Role.SCHOOL_ADMIN)
# Who may reset a colleague's second factor.
RESET_ROLES = (Role.PRINCIPAL, Role.VICE_PRINCIPAL)


class Step(enum.StrEnum):
    """What a signed-in session still owes before it may go anywhere."""

    NONE = "none"  # nothing: verified, or no second factor needed
    VERIFY = "verify"  # the person has a second factor: the code first
    ENROL = "enrol"  # the person must have one and has none: set it up first


def mfa_required_for(*, user: User) -> bool:
    """Whether this person's positions make a second factor compulsory (when the setting is on)."""
    if user.is_staff or user.is_superuser:
        return True
    return (
        Membership.objects.filter(user=user, is_active=True, role__in=MFA_ROLES).exists()
        or BureauMembership.objects.filter(
            user=user, is_active=True, role=BureauMembership.Role.INSPECTOR
        ).exists()
    )


def mfa_must_enrol(*, user: User) -> bool:
    """The setting is on and this person must have a second factor (whether or not they have one)."""
    return bool(settings.WANJIA_MFA_REQUIRED) and mfa_required_for(user=user)


def mfa_enrolled(*, user: User) -> bool:
    """Whether the person has a confirmed second factor (an authenticator app or recovery codes)."""
    return bool(user_has_device(user, confirmed=True))


def mfa_step_for_user(*, user: User) -> Step:
    """What a fresh, unverified session of this person owes."""
    if mfa_enrolled(user=user):
        return Step.VERIFY
    if mfa_must_enrol(user=user):
        return Step.ENROL
    return Step.NONE


@dataclass(frozen=True)
class MfaStatus:
    enrolled: bool
    required: bool
    enrolled_at: datetime.datetime | None
    recovery_codes_left: int


def mfa_status_for_user(*, user: User) -> MfaStatus:
    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    return MfaStatus(
        enrolled=device is not None,
        required=mfa_must_enrol(user=user),
        enrolled_at=device.created_at if device is not None else None,
        recovery_codes_left=StaticToken.objects.filter(device__user=user, device__confirmed=True).count(),
    )


def recovery_codes_for_user(*, user: User) -> list[str]:
    """The person's unused recovery codes (shown once, right after they are made)."""
    return list(
        StaticToken.objects.filter(device__user=user, device__confirmed=True)
        .order_by("pk")
        .values_list("token", flat=True)
    )


# --- resets by a school's leaders ----------------------------------------------------------------


def reset_schools_for_user(*, user: User) -> QuerySet[School]:
    """Schools where the user is an active principal or vice principal."""
    return School.objects.filter(
        memberships__user=user, memberships__is_active=True, memberships__role__in=RESET_ROLES
    ).distinct()


def reset_school_get_for_user(*, user: User, school_id: int) -> School:
    """A school whose staff's second factors ``user`` may reset: 404 for a school that is not
    theirs, 403 for their school when they do not lead it."""
    school = reset_schools_for_user(user=user).filter(pk=school_id).first()
    if school is not None:
        return school
    if Membership.objects.filter(user=user, school_id=school_id, is_active=True).exists():
        raise Forbidden(_("Only the school's principal or a vice principal may reset a second factor."))
    raise NotFound(_("No such school."))


def staff_for_reset(*, school: School) -> QuerySet[User]:
    """The school's active staff, each with ``mfa_enrolled``, by name."""
    return (
        User.objects.filter(memberships__school=school, memberships__is_active=True)
        .annotate(mfa_enrolled=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)))
        .distinct()
        .order_by("full_name", "username")
    )


def staff_member_get(*, school: School, user_id: int) -> User:
    """An active member of the school's staff; 404 for anyone else."""
    user = staff_for_reset(school=school).filter(pk=user_id).first()
    if user is None:
        raise NotFound(_("No such member of staff at this school."))
    return user
