"""Invitations to join: a link with a long random token and a short code to read out by phone.

Made for an account that has no password yet (an imported or newly added member of staff). Only
hashes are stored: SHA-256 of the token (so the link can be looked up) and an HMAC of the code,
keyed with the site's secret and the token's hash (eight characters could be guessed offline from
a plain hash). The plain token and code leave ``invitation_create`` once, for the inviting
administrator's page and the e-mail/SMS sent after commit; they are never stored, logged or
audited. An invitation is single-use, expires after ``WANJIA_INVITATION_DAYS``, is revoked by a
newer one and by ``WANJIA_INVITATION_MAX_ATTEMPTS`` wrong codes.

The audit events are written by the callers above this floor: ``invitation.sent`` by the schools
service that invites, ``invitation.accepted`` through the ``invitation_accepted`` signal.
"""

from __future__ import annotations

import datetime
import enum
import logging
import re
import secrets
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import Invitation, User
from accounts.passwords import phone_key
from accounts.signals import invitation_accepted
from accounts.tokens import key_digest
from core.errors import Conflict, ErrorCode
from core.sms import SmsError, send_sms, sms_enabled

logger = logging.getLogger(__name__)

# No 0/O, 1/I/L: the code is read out over the phone and typed on a phone.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8


class Status(enum.StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REVOKED = "revoked"
    EXPIRED = "expired"
    JOINED = "joined"  # the person set a password some other way meanwhile
    INACTIVE = "inactive"  # the account was switched off


class Channel(enum.StrEnum):
    EMAIL = "email"
    SMS = "sms"


@dataclass(frozen=True)
class IssuedInvitation:
    """A new invitation with its secrets, in memory only: shown once to the inviting administrator."""

    invitation: Invitation
    token: str
    code: str
    link: str
    channels: tuple[Channel, ...]
    replaced: int  # earlier pending invitations it revoked

    @property
    def display_code(self) -> str:
        return format_code(self.code)


def format_code(code: str) -> str:
    """ABCD-EFGH: easier to read out."""
    return f"{code[:4]}-{code[4:]}"


# The link's token is as random as an API key: the same unsalted sha256 finds it by one indexed query.
token_hash = key_digest


def normalise_code(code: str) -> str:
    """What was typed, as the code is made: capitals, no spaces or dashes."""
    return re.sub(r"[\s\-_.·]", "", unicodedata.normalize("NFKC", code)).upper()


def _code_hash(token_digest: str, code: str) -> str:
    return salted_hmac("accounts.Invitation.code", f"{token_digest}:{code}", algorithm="sha256").hexdigest()


def site_url(request: HttpRequest | None) -> str:
    """Where people reach Wanjia, for links in messages: WANJIA_SITE_URL, else the request's origin."""
    if settings.WANJIA_SITE_URL:
        return str(settings.WANJIA_SITE_URL)
    if request is not None:
        return request.build_absolute_uri("/").rstrip("/")
    return ""


def invitation_create(*, user: User, invited_by: User | None, base_url: str) -> IssuedInvitation:
    """A new invitation for ``user`` (revoking any pending one), delivered after commit by e-mail
    and/or SMS when the person has an address or a phone. Refused once they have a password."""
    with transaction.atomic():
        # Serialises two administrators re-sending at once: exactly one invitation stays pending.
        locked = User.objects.select_for_update().get(pk=user.pk)
        if not locked.is_active:
            raise Conflict(_("This account is switched off; it cannot be invited."))
        if locked.has_usable_password():
            raise Conflict(
                _("%(name)s has already joined: they log in with their password (or reset it).")
                % {"name": locked.get_full_name()},
                code=ErrorCode.ALREADY_JOINED,
            )
        now = timezone.now()
        replaced = Invitation.objects.filter(
            user=locked, accepted_at__isnull=True, revoked_at__isnull=True
        ).update(revoked_at=now)
        token = secrets.token_urlsafe(32)
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        digest = token_hash(token)
        invitation = Invitation.objects.create(
            user=locked,
            invited_by=invited_by,
            token_hash=digest,
            code_hash=_code_hash(digest, code),
            created_at=now,
            expires_at=now + datetime.timedelta(days=settings.WANJIA_INVITATION_DAYS),
        )
        link = f"{base_url}{reverse('accounts:join', args=[token])}"
        channels: list[Channel] = []
        if locked.email:
            channels.append(Channel.EMAIL)
        if locked.phone and sms_enabled():
            channels.append(Channel.SMS)
        inviter = invited_by.get_full_name() if invited_by is not None else ""
        transaction.on_commit(
            lambda: _deliver(
                locked,
                link=link,
                code=code,
                expires_at=invitation.expires_at,
                inviter=inviter,
                channels=channels,
            )
        )
    return IssuedInvitation(
        invitation=invitation, token=token, code=code, link=link, channels=tuple(channels), replaced=replaced
    )


def _deliver(
    user: User, *, link: str, code: str, expires_at: datetime.datetime, inviter: str, channels: list[Channel]
) -> None:
    # After commit: a mail server or gateway failure must not undo the invitation, which the
    # administrator has on screen anyway.
    with translation.override(settings.LANGUAGE_CODE):
        values = {
            "name": user.get_full_name(),
            "inviter": inviter or _("Your school"),
            "link": link,
            "code": format_code(code),
            "username": user.username,
            "expires": date_format(timezone.localtime(expires_at), "SHORT_DATETIME_FORMAT"),
        }
        if Channel.EMAIL in channels:
            subject = _("[Wanjia] You are invited to join Wanjia")
            body = (
                _(
                    "Hello %(name)s,\n\n%(inviter)s has added you to Wanjia, the home-visit and student "
                    "support system of your school.\n\nOpen this link to choose your password:\n%(link)s\n\n"
                    "Or open the joining page and type your username %(username)s and the code %(code)s.\n\n"
                    "The invitation can be used once and is valid until %(expires)s."
                )
                % values
            )
            try:
                send_mail(subject, body, None, [user.email])
            except Exception:  # the mail server's failure is logged; the invitation stands
                logger.exception("invitation mail to user %s failed", user.pk)
        if Channel.SMS in channels:
            text = (
                _(
                    "[Wanjia] %(inviter)s invites you to join Wanjia. Choose your password at %(link)s "
                    "(or type the code %(code)s). Valid until %(expires)s."
                )
                % values
            )
            try:
                send_sms(user.phone, text)
            except SmsError:
                logger.exception("invitation SMS to user %s failed", user.pk)


def invitation_status(invitation: Invitation) -> Status:
    if invitation.accepted_at is not None:
        return Status.ACCEPTED
    if invitation.revoked_at is not None:
        return Status.REVOKED
    if invitation.expires_at <= timezone.now():
        return Status.EXPIRED
    if not invitation.user.is_active:
        return Status.INACTIVE
    if invitation.user.has_usable_password():
        return Status.JOINED
    return Status.PENDING


def invitation_find(*, token: str) -> Invitation | None:
    """The invitation a link's token belongs to, whatever its status; None for an unknown token."""
    if not token or len(token) > 100:
        return None
    return Invitation.objects.select_related("user").filter(token_hash=token_hash(token)).first()


def invitation_get_pending(*, invitation_id: int | None) -> Invitation | None:
    if invitation_id is None:
        return None
    invitation = Invitation.objects.select_related("user").filter(pk=invitation_id).first()
    if invitation is None or invitation_status(invitation) != Status.PENDING:
        return None
    return invitation


def invitation_check_code(*, identifier: str, code: str) -> Invitation | None:
    """The pending invitation of the person ``identifier`` names (username or phone) whose code is
    ``code``; None otherwise. A wrong code counts against that person's pending invitations, and
    the last allowed wrong code revokes them."""
    code = normalise_code(code)
    identifier = identifier.strip()
    if not identifier or not code:
        return None
    users = User.objects.filter(username=identifier, is_active=True)
    phone = phone_key(identifier)
    if not users.exists() and len(phone) >= 7:
        users = User.objects.filter(phone=phone, is_active=True)
    now = timezone.now()
    with transaction.atomic():
        pending = list(
            Invitation.objects.select_for_update(of=("self",))
            .select_related("user")
            .filter(user__in=users, accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now)
            .order_by("pk")
        )
        for invitation in pending:
            if invitation_status(invitation) != Status.PENDING:
                continue
            if constant_time_compare(invitation.code_hash, _code_hash(invitation.token_hash, code)):
                return invitation
        for invitation in pending:
            invitation.failed_attempts += 1
            fields = ["failed_attempts"]
            if invitation.failed_attempts >= settings.WANJIA_INVITATION_MAX_ATTEMPTS:
                invitation.revoked_at = now
                fields.append("revoked_at")
            invitation.save(update_fields=fields)
    return None


def invitation_accept(
    *, invitation_id: int, password: str, via: str, request: HttpRequest | None = None
) -> User:
    """Set the invited person's (already validated) password and use the invitation up."""
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update(of=("self",))
            .select_related("user")
            .filter(pk=invitation_id)
            .first()
        )
        if invitation is None or invitation_status(invitation) != Status.PENDING:
            raise Conflict(_("This invitation can no longer be used."))
        user = invitation.user
        user.set_password(password)
        user.save(update_fields=["password"])
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at"])
        invitation_accepted.send(sender=Invitation, invitation=invitation, via=via, request=request)
    return user
