"""What someone has typed into a long form and not saved yet (docs/frontend.md, "Drafts").

A draft is its author's alone: read, written and deleted only by them, cleared when the form is
saved, when they leave a school, and by the retention run after ``WANJIA_DRAFT_DAYS``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Draft(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="drafts", verbose_name=_("author")
    )
    # The form and the record it edits: "visit-record-12", "essay" (drafts.keys.draft_key).
    key = models.CharField(_("form"), max_length=100)
    data = models.JSONField(_("typed values"), default=dict)
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("draft")
        verbose_name_plural = _("drafts")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="drafts_draft_one_per_form")]
        indexes = [models.Index(fields=["updated_at"], name="drafts_draft_updated_at")]

    def __str__(self) -> str:
        return self.key
