"""Reads of the privacy app: who may read the retention policy, and the record of past runs."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext as _

from accounts.models import User
from audit.models import AuditEvent
from core.errors import Forbidden
from privacy.services import ACTION
from schools.models import BureauMembership, Membership

# School leaders and administrators, who answer for the records, and the bureau's inspectors.
POLICY_READERS = (
    Membership.Role.PRINCIPAL,
    Membership.Role.VICE_PRINCIPAL,
    Membership.Role.SCHOOL_ADMIN,
    BureauMembership.Role.INSPECTOR,
)
RECENT_RUNS = 10


def policy_reader_required(*, user: User | AnonymousUser) -> None:
    """403 unless the user holds a role that answers for the records' retention."""
    if user.is_authenticated and user.is_active:
        if Membership.objects.filter(user=user, is_active=True, role__in=POLICY_READERS).exists():
            return
        if BureauMembership.objects.filter(user=user, is_active=True, role__in=POLICY_READERS).exists():
            return
    raise Forbidden(
        _(
            "Only principals, school administrators and the bureau's inspectors may read the retention policy."
        ),
        code="permission_denied",
    )


def retention_run_list() -> list[AuditEvent]:
    """The last runs, newest first: their events hold counts and the policy, never a name."""
    return list(AuditEvent.objects.filter(action=ACTION).order_by("-occurred_at", "-pk")[:RECENT_RUNS])
