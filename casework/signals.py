"""What casework announces, for higher apps to follow without casework knowing them.

Sent with ``send()`` (never ``send_robust()``) inside the service's transaction, after its audit
event: receivers run synchronously, and an exception in one propagates and rolls back the whole
change, audit event included. The workflow listens (``workflows.receivers``); a system check
(``workflows.checks``) refuses to start without it. See docs/decisions/0003-case-events.md.
"""

from django.dispatch import Signal

case_opened = Signal()
"""``case_open`` created a case. Sent with ``sender=Case``, ``case`` and ``actor``."""

case_transitioned = Signal()
"""``case_transition`` fired a transition. Sent with ``sender=Case``, ``case`` (saved, in its new
state), ``actor`` and ``transition`` (the transition's name)."""

notes_break_glass_opened = Signal()
"""``break_glass_open`` opened a case's confidential notes in an emergency. Sent with
``sender=Case``, ``case``, ``access`` (the ``BreakGlassAccess``), ``actor`` and ``recipients`` (the
users told at once: the case's counsellors and the bureau's inspectors). The workflow adds an
in-app notification for each (``workflows.receivers``); casework sends the e-mails itself."""

plan_approval_opened = Signal()
"""A school leader opened the approval page of a case awaiting approval (``casework.views``).
Sent with ``sender=Case``, ``case`` and ``actor``. The workflow gives the approval task to the
leader when nobody else could take it (``workflows.services.task_auto_claim``)."""
