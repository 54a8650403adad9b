from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SupportPlan(models.Model):
    """One version of a case's support plan (帮扶方案). Versions are never edited, only added;
    ``submitted_at`` is set once, when the version is sent to the principal."""

    CONTENT_FIELDS = ("goals", "measures", "schedule", "responsible_staff")

    case = models.ForeignKey(
        "casework.Case", on_delete=models.CASCADE, related_name="plans", verbose_name=_("case")
    )
    version = models.PositiveIntegerField(_("version"))
    goals = models.TextField(_("goals"))
    measures = models.TextField(_("measures"))
    schedule = models.TextField(_("schedule"), blank=True)
    responsible_staff = models.TextField(_("responsible staff"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("author")
    )
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)
    # Set by the submit_plan transition: which versions the principal was asked to approve (the
    # approval page shows what changed since the last of them; an unchanged plan is not resent).
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("support plan")
        verbose_name_plural = _("support plans")
        ordering = ["case", "-version"]
        constraints = [models.UniqueConstraint(fields=["case", "version"], name="plan_version_unique")]

    def __str__(self) -> str:
        return str(_("Plan v%(version)s") % {"version": self.version})

    def content(self) -> tuple[str, ...]:
        """What the plan says, for comparing two versions."""
        return tuple((getattr(self, name) or "").strip() for name in self.CONTENT_FIELDS)
