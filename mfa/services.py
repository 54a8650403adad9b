"""Writes on the second factor: enrolling an authenticator app, recovery codes, checking a code
(on the web and at the API token endpoint) and a school leader's reset. Every one is audited.

A wrong code must leave its mark even though it is refused: the device's throttle (django-otp
doubles the wait after each failure) and the ``mfa.code_failed`` event are committed before the
refusal is raised. Call these outside any transaction of your own, or that mark is rolled back
with it.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import device_classes
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from accounts.models import User
from accounts.services import user_sign_out_everywhere
from audit.services import AuditContext, audit_record
from core.errors import Conflict, ErrorCode, Forbidden, Invalid
from mfa.selectors import (
    mfa_enrolled,
    mfa_must_enrol,
    reset_school_get_for_user,
    staff_member_get,
)
from schools.selectors import home_school_id

if TYPE_CHECKING:
    from django_otp.models import Device

RECOVERY_CODES = 10
AUTHENTICATOR_NAME = "authenticator"
RECOVERY_NAME = "recovery codes"
KEY_BYTES = 20  # 160 bits, as RFC 4226 recommends
TOTP_DIGITS = 6


def new_totp_key() -> str:
    """A fresh secret for an authenticator app (hex), kept in the session until confirmed."""
    return str(random_hex(KEY_BYTES))


def normalise_code(code: str) -> str:
    """A code as typed: spaces and dashes out, lower case (recovery codes are lower case)."""
    return "".join(code.split()).replace("-", "").lower()


def is_totp_code(code: str) -> bool:
    return len(code) == TOTP_DIGITS and code.isascii() and code.isdigit()


def _record(action: str, *, user: User, detail: dict[str, Any], context: AuditContext | None) -> None:
    """One of the person's own events, in their school's chain."""
    audit_record(
        action=action,
        actor=user,
        target=user,
        school_id=home_school_id(user),
        detail=detail,
        context=context,
    )


def _recovery_codes_replace(user: User) -> list[str]:
    """Throw away the person's recovery codes and make RECOVERY_CODES new ones."""
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes: set[str] = set()
    while len(codes) < RECOVERY_CODES:
        codes.add(StaticToken.random_token())
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in sorted(codes)])
    return sorted(codes)


def totp_enrol(*, user: User, key: str, code: str, context: AuditContext | None = None) -> TOTPDevice:
    """Confirm the authenticator app the person has just set up with ``key`` by one of its codes;
    it becomes their second factor, with a fresh set of recovery codes. 400 on a wrong code, 409
    when they already have one."""
    code = normalise_code(code)
    with transaction.atomic():
        # One enrolment at a time per person (two open tabs must not make two authenticators).
        User.objects.select_for_update().filter(pk=user.pk).first()
        if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            raise Conflict(_("Two-factor sign-in is already set up for this account."))
        device = TOTPDevice(user=user, name=AUTHENTICATOR_NAME, key=key, confirmed=True)
        device.full_clean(exclude=["user"])
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        totp.time = time.time()
        if is_totp_code(code) and totp.verify(int(code), device.tolerance):
            device.last_t = totp.t()  # this code cannot be used again to sign in
            device.drift = totp.drift
            device.set_last_used_timestamp(commit=False)
            device.save()
            _recovery_codes_replace(user)
            _record("mfa.enrol", user=user, detail={"recovery_codes": RECOVERY_CODES}, context=context)
            return device
        _record(
            "mfa.code_failed",
            user=user,
            detail={"stage": "enrol", "kind": "totp", "channel": "web", "throttled": False},
            context=context,
        )
    message = _("That code is not right. Check the app's clock and type the code it shows now.")
    raise Invalid(message, errors={"otp": [message]})


def recovery_codes_regenerate(*, user: User, context: AuditContext | None = None) -> list[str]:
    """Replace the person's recovery codes (the old ones stop working); 409 before enrolment."""
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()
        if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            raise Conflict(_("Set up two-factor sign-in first."))
        codes = _recovery_codes_replace(user)
        _record("mfa.recovery_regenerated", user=user, detail={"recovery_codes": len(codes)}, context=context)
    return codes


def _throttled_message(info: dict[str, Any] | None) -> str:
    until = (info or {}).get("locked_until")
    seconds = max(1, int((until - timezone.now()).total_seconds()) + 1) if until is not None else 1
    return _("Too many wrong codes. Wait %(seconds)d seconds, then try again.") % {"seconds": seconds}


def mfa_verify(*, user: User, code: str, channel: str, context: AuditContext | None = None) -> Device:
    """The device that accepts ``code``: a 6-digit code from the authenticator app, or an unused
    recovery code (which is then used up). 400 (field ``otp``) otherwise."""
    code = normalise_code(code)
    kind = "totp" if is_totp_code(code) else "recovery"
    model: type[Device] = TOTPDevice if kind == "totp" else StaticDevice
    throttled: dict[str, Any] | None = None
    with transaction.atomic():
        # Locked: two requests with one code cannot both pass, nor both escape the throttle.
        for device in model.objects.select_for_update().filter(user=user, confirmed=True).order_by("pk"):
            allowed, info = device.verify_is_allowed()
            if not allowed:
                throttled = info or {}
                continue
            if code and device.verify_token(code):
                if kind == "recovery":
                    left = StaticToken.objects.filter(device__user=user, device__confirmed=True).count()
                    _record(
                        "mfa.recovery_used",
                        user=user,
                        detail={"channel": channel, "left": left},
                        context=context,
                    )
                return device
        _record(
            "mfa.code_failed",
            user=user,
            detail={"stage": "sign_in", "kind": kind, "channel": channel, "throttled": throttled is not None},
            context=context,
        )
    if throttled is not None:
        message = _throttled_message(throttled)
    elif kind == "totp":
        message = _("That code is not right. Type the code the authenticator app shows now.")
    else:
        message = _("That is not an unused recovery code.")
    raise Invalid(message, errors={"otp": [message]})


def token_login_check(*, user: User, otp: str, context: AuditContext | None = None) -> None:
    """The second factor at ``POST /api/v1/auth/token/``, after the password: nothing to do for
    someone who has none and needs none; else 403 ``mfa_required`` without a code (or without
    an authenticator when one is compulsory), 400 (field ``otp``) for a wrong code."""
    if not mfa_enrolled(user=user):
        if not mfa_must_enrol(user=user):
            return
        raise Forbidden(
            _(
                "This account must sign in with a second factor: log in on the website once to set "
                'up an authenticator app, then send its code as "otp".'
            ),
            code=ErrorCode.MFA_REQUIRED,
        )
    if not otp.strip():
        raise Forbidden(
            _(
                "This account signs in with a second factor: send the 6-digit code from the "
                'authenticator app, or a recovery code, as "otp".'
            ),
            code=ErrorCode.MFA_REQUIRED,
        )
    mfa_verify(user=user, code=otp, channel="api", context=context)


def mfa_reset(*, actor: User, user_id: int, school_id: int, context: AuditContext | None = None) -> User:
    """A principal or vice principal forgets a colleague's second factor (lost phone): their
    authenticator and recovery codes are deleted and all their sessions and API tokens ended, so
    their next login sets up a new one. 404 for anyone not on the school's staff."""
    with transaction.atomic():
        school = reset_school_get_for_user(user=actor, school_id=school_id)
        target = staff_member_get(school=school, user_id=user_id)
        if target.pk == actor.pk:
            raise Forbidden(_("You cannot reset your own second factor: ask another school leader."))
        if target.is_staff or target.is_superuser:
            raise Forbidden(_("Only a system administrator may reset an administrator's second factor."))
        User.objects.select_for_update().filter(pk=target.pk).first()
        devices = 0
        for model in device_classes():
            owned = model.objects.filter(user=target)
            devices += owned.count()
            owned.delete()
        user_sign_out_everywhere(user=target)
        audit_record(
            action="mfa.reset",
            actor=actor,
            target=target,
            school_id=school.pk,
            detail={"devices": devices},
            context=context,
        )
    return target
