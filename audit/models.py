"""The audit trail: one row per sensitive act, written by the service that performs it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """An append-only record of who did what to which record, when and from where.

    Never holds the content of confidential notes. Rows are written only through
    ``audit.services.audit_record`` in the same transaction as the act they record.
    """

    occurred_at = models.DateTimeField(_("time"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    actor_label = models.CharField(_("actor name"), max_length=160, blank=True)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    target_type = models.CharField(_("target type"), max_length=64, blank=True)
    target_id = models.CharField(_("target id"), max_length=64, blank=True)
    case_id = models.BigIntegerField(_("case"), null=True, blank=True)
    school = models.ForeignKey(
        "schools.School",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("school"),
    )
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=300, blank=True)
    # Tamper evidence: each event's hash covers its fields and the previous event's hash in
    # the same chain (one chain per school, "bureau" for the rest); see docs/audit.md.
    chain = models.CharField(_("chain"), max_length=32, default="")
    seq = models.PositiveBigIntegerField(_("position in chain"))
    prev_hash = models.CharField(_("previous hash"), max_length=64, blank=True)
    hash = models.CharField(_("hash"), max_length=64, default="")
    # Version 2 (docs/decisions/0004-audit-erasure.md): the hash covers a salted commitment to
    # the event's personal payload (detail, ip, user_agent) instead of the payload itself, so the
    # retention run can erase the payload (and the salt) while the chain still verifies.
    # Version 1 events, written before, hash the payload directly and are never erased.
    hash_version = models.PositiveSmallIntegerField(_("hash version"), default=1)
    payload_digest = models.CharField(_("payload digest"), max_length=64, blank=True, default="")
    payload_salt = models.CharField(_("payload salt"), max_length=32, blank=True, default="")
    erased_at = models.DateTimeField(_("personal detail erased at"), null=True, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["occurred_at", "id"]
        indexes = [
            models.Index(fields=["case_id", "occurred_at"], name="audit_case_time"),
            models.Index(fields=["school", "occurred_at"], name="audit_school_time"),
            models.Index(fields=["actor", "occurred_at"], name="audit_actor_time"),
            # The per-pupil access log looks events up by their target (pupil.viewed).
            models.Index(fields=["target_type", "target_id", "occurred_at"], name="audit_target_time"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["chain", "seq"], name="audit_chain_seq_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M:%S} {self.actor_label} {self.action}"

    @property
    def is_erased(self) -> bool:
        return self.erased_at is not None


class AuditChainHead(models.Model):
    """The last event of one chain. Locking this row serialises writers of that chain only."""

    chain = models.CharField(_("chain"), max_length=32, primary_key=True)
    seq = models.PositiveBigIntegerField(_("position in chain"), default=0)
    hash = models.CharField(_("hash"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("audit chain head")
        verbose_name_plural = _("audit chain heads")

    def __str__(self) -> str:
        return f"{self.chain} #{self.seq}"
