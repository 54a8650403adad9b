"""E-mails casework sends about confidential notes, always after the transaction commits.

Mail must never undo the act it reports (the act and its audit event stand), and an act rolled
back must send nothing: so each message is queued with ``transaction.on_commit``, and one bad
address or a mail server hiccup is logged, not raised. Messages carry no pupil data and no note
content, only who did what on which case number and where to look.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import translation

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)

Compose = Callable[[], tuple[str, str]]  # (subject, body), called in the site's language


def mail_on_commit(*, recipients: Iterable[User], compose: Compose, label: str) -> list[int]:
    """Queue one e-mail per recipient with an address; the ids of those it will be sent to."""
    addresses = [(user.pk, user.email) for user in recipients if user.email]
    if addresses:
        transaction.on_commit(lambda: _send(addresses, compose, label))
    return [pk for pk, _email in addresses]


def _send(addresses: list[tuple[int, str]], compose: Compose, label: str) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        subject, body = compose()
    for pk, email in addresses:
        try:
            send_mail(subject, body, None, [email])
        except Exception:  # one bad address or a mail server hiccup must not stop the others
            logger.exception("%s mail to user %s failed", label, pk)
