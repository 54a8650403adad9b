"""Signals of the kernel, for the floors above it to listen to (the kernel imports nothing of ours)."""

from __future__ import annotations

from typing import Any

from django.dispatch import Signal

from core.errors import DomainError

# A request was refused an existing record (core.errors.Refusal). Sent by the page middleware and
# the API's exception handler as the error becomes the answer, with ``request``, ``user``,
# ``refusal`` and ``status``; the audit trail listens (audit.receivers) and records it.
access_refused = Signal()


def announce_refusal(*, request: Any, user: Any, error: DomainError) -> None:
    """Send ``access_refused`` if the error carries a refusal (cheap otherwise: one attribute)."""
    if error.refusal is not None:
        access_refused.send(
            sender=type(error), request=request, user=user, refusal=error.refusal, status=error.status
        )
