"""Passwords: setting one (audited through accounts.signals), and reset codes sent by SMS.

A reset code is six digits, stored as an HMAC, valid ``WANJIA_SMS_CODE_MINUTES``, dead after
``WANJIA_SMS_CODE_MAX_ATTEMPTS`` wrong tries, and a person gets at most
``WANJIA_SMS_CODES_PER_HOUR`` of them an hour. Whoever asks gets the same answer whether or not an
account matched: nothing here tells a visitor who has an account.
"""

from __future__ import annotations

import datetime
import enum
import logging
import re
import secrets
import unicodedata

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from accounts.models import PasswordResetCode, User
from accounts.signals import password_changed, reset_code_sent
from core.sms import SmsError, send_sms, sms_enabled

logger = logging.getLogger(__name__)

RESET_CODE_DIGITS = 6


class Method(enum.StrEnum):
    """How a password came to be set (the audit event's ``method``)."""

    CHANGE = "change"
    EMAIL_RESET = "email_reset"
    SMS_RESET = "sms_reset"


def user_password_set(
    *, user: User, password: str, method: Method, request: HttpRequest | None = None
) -> None:
    """Set the user's (already validated) password and record it. Every other session of the user
    ends at its next request, since the password is part of the session hash."""
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        password_changed.send(sender=User, user=user, method=str(method), request=request)


def phone_key(text: str) -> str:
    """A typed phone number as Wanjia stores phones: digits only, without +86 / 0086."""
    text = unicodedata.normalize("NFKC", text).strip()
    digits = re.sub(r"\D", "", text)
    if text.startswith("+86") or (text.startswith("+") and digits.startswith("86")):
        return digits[2:]
    if digits.startswith("0086"):
        return digits[4:]
    return digits


def user_find_by_login_or_phone(identifier: str) -> User | None:
    """The active account whose username is ``identifier``, or else the only active account with
    that phone number; None when none or several match."""
    identifier = identifier.strip()
    if not identifier:
        return None
    user = User.objects.filter(username=identifier, is_active=True).first()
    if user is not None:
        return user
    phone = phone_key(identifier)
    if len(phone) < 7:
        return None
    matches = list(User.objects.filter(phone=phone, is_active=True)[:2])
    return matches[0] if len(matches) == 1 else None


def _code_hash(user_id: int, code: str) -> str:
    return salted_hmac("accounts.PasswordResetCode", f"{user_id}:{code}", algorithm="sha256").hexdigest()


def reset_code_send(*, identifier: str, request: HttpRequest | None = None) -> PasswordResetCode | None:
    """Text a new reset code to the account ``identifier`` names (username or phone), if there is
    one with a phone and a password, and it has not had too many codes this hour. Returns the code's row or None;
    the caller must answer the same either way."""
    if not sms_enabled():
        return None
    user = user_find_by_login_or_phone(identifier)
    # Someone who never chose a password joins by their invitation, not by a reset.
    if user is None or not user.phone or not user.has_usable_password():
        return None
    now = timezone.now()
    with transaction.atomic():
        # One request per person at a time, so that the hourly limit holds under concurrency.
        User.objects.select_for_update().filter(pk=user.pk).first()
        recent = PasswordResetCode.objects.filter(user=user, created_at__gt=now - datetime.timedelta(hours=1))
        if recent.count() >= settings.WANJIA_SMS_CODES_PER_HOUR:
            return None
        # Only the newest code works.
        PasswordResetCode.objects.filter(user=user, used_at__isnull=True, expires_at__gt=now).update(
            expires_at=now
        )
        code = f"{secrets.randbelow(10**RESET_CODE_DIGITS):0{RESET_CODE_DIGITS}d}"
        reset_code = PasswordResetCode.objects.create(
            user=user,
            code_hash=_code_hash(user.pk, code),
            created_at=now,
            expires_at=now + datetime.timedelta(minutes=settings.WANJIA_SMS_CODE_MINUTES),
        )
        reset_code_sent.send(sender=PasswordResetCode, reset_code=reset_code, request=request)
        phone = user.phone
        transaction.on_commit(lambda: _text_reset_code(phone, code))
    return reset_code


def _text_reset_code(phone: str, code: str) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        text = _(
            "[Wanjia] Your password reset code is %(code)s. It is valid for %(minutes)s minutes. "
            "If you did not ask for it, ignore this message."
        ) % {"code": code, "minutes": settings.WANJIA_SMS_CODE_MINUTES}
    try:
        send_sms(phone, text)
    except SmsError:
        logger.exception("the password reset code could not be texted")


def _usable(reset_code: PasswordResetCode) -> bool:
    return (
        reset_code.used_at is None
        and reset_code.expires_at > timezone.now()
        and reset_code.failed_attempts < settings.WANJIA_SMS_CODE_MAX_ATTEMPTS
        and reset_code.user.is_active
    )


def reset_code_check(*, reset_code_id: int | None, code: str) -> bool:
    """Whether ``code`` is the pending reset code ``reset_code_id``; a wrong one counts as a try."""
    code = re.sub(r"\s", "", unicodedata.normalize("NFKC", code))
    if reset_code_id is None:
        return False
    with transaction.atomic():
        reset_code = (
            PasswordResetCode.objects.select_for_update(of=("self",))
            .select_related("user")
            .filter(pk=reset_code_id)
            .first()
        )
        if reset_code is None or not _usable(reset_code):
            return False
        if constant_time_compare(reset_code.code_hash, _code_hash(reset_code.user_id, code)):
            return True
        reset_code.failed_attempts += 1
        reset_code.save(update_fields=["failed_attempts"])
    return False


def reset_code_user(*, reset_code_id: int | None) -> User | None:
    """The person a still-usable reset code was sent to (for the password form's validators)."""
    if reset_code_id is None:
        return None
    reset_code = PasswordResetCode.objects.select_related("user").filter(pk=reset_code_id).first()
    return reset_code.user if reset_code is not None and _usable(reset_code) else None


def reset_code_use(
    *, reset_code_id: int, code: str, password: str, request: HttpRequest | None = None
) -> User | None:
    """Set the password with a valid reset code (used once); None when the code is no longer good."""
    with transaction.atomic():
        if not reset_code_check(reset_code_id=reset_code_id, code=code):
            return None
        reset_code = (
            PasswordResetCode.objects.select_for_update(of=("self",))
            .select_related("user")
            .get(pk=reset_code_id)
        )
        reset_code.used_at = timezone.now()
        reset_code.save(update_fields=["used_at"])
        user_password_set(user=reset_code.user, password=password, method=Method.SMS_RESET, request=request)
        return reset_code.user
