"""Casework follows the organisation: receivers of ``schools.events``, connected in
``CaseworkConfig.ready()``.

A school membership changed in the Django admin can open a way to confidential notes (a
counsellor's membership is what a grant needs; a principal's, the power to grant; either lets
someone break the glass). The school's counsellors are told by e-mail after commit and the notice
is audited, inside the admin's transaction (``casework.services.notices``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from casework.services.notices import membership_change_notify
from schools.events import membership_changed_in_admin
from schools.models import Membership

if TYPE_CHECKING:
    from accounts.models import User
    from audit.services import AuditContext

MEMBERSHIP_UID = "casework.membership_change_notify"


def notify_on_membership_changed_in_admin(
    sender: type[Membership],
    *,
    membership: Membership,
    change: str,
    old: dict[str, Any] | None,
    actor: User,
    context: AuditContext | None = None,
    **kwargs: Any,
) -> None:
    membership_change_notify(membership=membership, change=change, old=old, actor=actor, context=context)


def connect() -> None:
    """Idempotent: the dispatch_uid keeps a second call from connecting twice."""
    membership_changed_in_admin.connect(
        notify_on_membership_changed_in_admin, sender=Membership, dispatch_uid=MEMBERSHIP_UID
    )
