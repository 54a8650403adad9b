"""An inspection visit (督导检查) of one school by the bureau's inspectors, and its findings."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from inspections import rules
from inspections.models.checklist import ChecklistItem, ChecklistResult


class Rating(models.TextChoices):
    EXCELLENT = "excellent", _("excellent")
    GOOD = "good", _("good")
    SATISFACTORY = "satisfactory", _("satisfactory")
    UNSATISFACTORY = "unsatisfactory", _("unsatisfactory")


class Inspection(ConcurrentTransitionMixin, models.Model):
    """Written as a draft by the lead inspector; once submitted it is read-only and the school sees it."""

    class State(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")

    bureau = models.ForeignKey(
        "schools.Bureau",
        on_delete=models.PROTECT,
        related_name="inspections",
        verbose_name=_("education bureau"),
    )
    school = models.ForeignKey(
        "schools.School", on_delete=models.PROTECT, related_name="inspections", verbose_name=_("school")
    )
    inspected_on = models.DateField(_("inspected on"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="inspections_led",
        verbose_name=_("lead inspector"),
    )
    inspectors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="inspections_joined", blank=True, verbose_name=_("inspectors")
    )
    sampled_cases = models.ManyToManyField(
        "casework.Case", related_name="inspections", blank=True, verbose_name=_("sampled cases")
    )
    families_visited = models.ManyToManyField(
        "schools.Pupil", related_name="inspections", blank=True, verbose_name=_("families visited")
    )
    summary = models.TextField(_("summary of findings"), blank=True)
    rating = models.CharField(_("rating"), max_length=16, choices=Rating.choices, blank=True)
    state = FSMField(_("state"), max_length=16, choices=State.choices, default=State.DRAFT, protected=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-inspected_on", "-id"]
        indexes = [
            models.Index(fields=["bureau", "state"], name="inspection_bureau_state"),
            models.Index(fields=["school", "state"], name="inspection_school_state"),
        ]

    def __str__(self) -> str:
        return str(_("Inspection %(id)s") % {"id": self.pk})

    @property
    def is_draft(self) -> bool:
        return self.state == self.State.DRAFT

    @transition(
        field=state,
        source=State.DRAFT,
        target=State.SUBMITTED,
        permission=rules.is_bureau_inspector,
        conditions=[rules.has_summary, rules.has_rating],
    )
    def submit(self, *, by: Any = None, **kwargs: Any) -> None:
        """Final: the school sees the inspection from now on."""
        self.submitted_at = timezone.now()
        self.submitted_by = by


class InspectionChecklistResult(models.Model):
    inspection = models.ForeignKey(
        Inspection, on_delete=models.CASCADE, related_name="checklist", verbose_name=_("inspection")
    )
    item = models.ForeignKey(
        ChecklistItem, on_delete=models.PROTECT, related_name="+", verbose_name=_("checklist item")
    )
    result = models.CharField(
        _("result"), max_length=16, choices=ChecklistResult.choices, default=ChecklistResult.NOT_CHECKED
    )
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("checklist result")
        verbose_name_plural = _("checklist results")
        ordering = ["inspection", "item__order", "item__code"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "item"], name="inspection_checklist_item_unique")
        ]

    def __str__(self) -> str:
        return f"{self.item} · {self.get_result_display()}"


class Finding(models.Model):
    inspection = models.ForeignKey(
        Inspection, on_delete=models.CASCADE, related_name="findings", verbose_name=_("inspection")
    )
    text = models.TextField(_("finding"))
    needs_rectification = models.BooleanField(_("needs rectification"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["inspection", "id"]

    def __str__(self) -> str:
        return self.text[:60]
