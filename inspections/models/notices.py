"""Notices of criticism (通报批评) and commendations (表彰). Published at once; withdrawn, never deleted."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notice(models.Model):
    class Kind(models.TextChoices):
        CRITICISM = "criticism", _("notice of criticism")
        COMMENDATION = "commendation", _("commendation")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    bureau = models.ForeignKey(
        "schools.Bureau", on_delete=models.PROTECT, related_name="notices", verbose_name=_("education bureau")
    )
    school = models.ForeignKey(
        "schools.School", on_delete=models.PROTECT, related_name="notices", verbose_name=_("school")
    )
    teachers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="notices_named", blank=True, verbose_name=_("teachers named")
    )
    inspection = models.ForeignKey(
        "inspections.Inspection",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="notices",
        verbose_name=_("inspection"),
    )
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"))
    issued_on = models.DateField(_("issued on"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("issued by")
    )
    published_at = models.DateTimeField(_("published at"))
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("withdrawn by"),
    )
    withdrawal_reason = models.TextField(_("reason for withdrawal"), blank=True)

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-issued_on", "-id"]
        indexes = [models.Index(fields=["school", "-issued_on"], name="notice_school_issued")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None
