"""The bureau's inspection checklist, drawn from the programme's requirements (六个一, 清廉家访, ...)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class ChecklistItem(models.Model):
    """One requirement an inspector checks. The Chinese text is data from the programme document,
    not a translation; ``text_en`` is its English rendering, shown when the interface is English."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    text = models.CharField(_("requirement (Chinese)"), max_length=255)
    text_en = models.CharField(_("requirement (English)"), max_length=255, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        language = get_language() or ""
        if language.startswith("en") and self.text_en:
            return self.text_en
        return self.text


class ChecklistResult(models.TextChoices):
    MET = "met", _("met")
    PARTLY = "partly", _("partly met")
    NOT_MET = "not_met", _("not met")
    NOT_CHECKED = "not_checked", _("not checked")
