from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CounsellingNote(models.Model):
    """A confidential counselling note. ``ciphertext`` is Fernet-encrypted content; it is
    decrypted only by ``casework.notes`` for counsellors granted on the case."""

    case = models.ForeignKey(
        "casework.Case", on_delete=models.CASCADE, related_name="counselling_notes", verbose_name=_("case")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("author")
    )
    ciphertext = models.BinaryField(_("encrypted content"))
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)
    # Set by the retention run, which empties ``ciphertext`` (the keys are shared by every note,
    # so the ciphertext is what there is to destroy). The row stays: a counselling session that
    # took place points at its note, and the number of notes is kept for reports.
    destroyed_at = models.DateTimeField(_("destroyed at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("counselling note")
        verbose_name_plural = _("counselling notes")
        ordering = ["case", "created_at", "id"]

    def __str__(self) -> str:
        # Never the content.
        return str(_("Counselling note %(id)s") % {"id": self.pk})
