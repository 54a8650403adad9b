"""What the schools app announces, for higher apps to follow without schools knowing them
(the pattern of ``casework.signals``, docs/decisions/0003-case-events.md).

Sent with ``send()`` inside the admin's transaction: a receiver's failure undoes the change.
"""

from django.dispatch import Signal

membership_changed_in_admin = Signal()
"""A school membership was added, changed or deleted in the Django admin (its own page or the
user's inline). Sent with ``sender=Membership``, ``membership`` (as saved, or as it was before a
deletion), ``change`` ("add", "change" or "delete"), ``old`` (``{"school_id", "role",
"is_active"}`` before the change, ``None`` for an addition), ``actor`` and ``context`` (the
request's ``AuditContext``). Casework listens: such a change can open a way to confidential
notes, so the school's counsellors are told (``casework.receivers``)."""
