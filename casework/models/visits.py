from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class HomeVisit(models.Model):
    """A home visit (家访): the appointment with the guardians, then the record of the visit."""

    class Kind(models.TextChoices):
        GENERAL = "general", _("general visit")
        TARGETED = "targeted", _("targeted visit")
        FOLLOW_UP = "follow_up", _("follow-up visit")

    case = models.ForeignKey(
        "casework.Case", on_delete=models.CASCADE, related_name="visits", verbose_name=_("case")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.GENERAL)
    scheduled_for = models.DateTimeField(_("appointment"))
    appointment_note = models.CharField(
        _("agreed with"),
        max_length=255,
        blank=True,
        help_text=_("Who agreed, and how (phone, letter, in person)."),
    )
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("scheduled by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    visited_at = models.DateTimeField(_("visited at"), null=True, blank=True)
    family_situation = models.TextField(_("family situation"), blank=True)
    home_behaviour = models.TextField(_("behaviour at home"), blank=True)
    study_habits = models.TextField(_("study habits"), blank=True)
    living_habits = models.TextField(_("living habits"), blank=True)
    parents_opinions = models.TextField(_("parents' opinions and suggestions"), blank=True)
    measures_agreed = models.TextField(_("measures agreed with the parents"), blank=True)
    no_gifts_pledge = models.BooleanField(_("no banquet or gift accepted (清廉家访)"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), null=True, blank=True)

    RECORD_FIELDS = (
        "visited_at",
        "family_situation",
        "home_behaviour",
        "study_habits",
        "living_habits",
        "parents_opinions",
        "measures_agreed",
        "no_gifts_pledge",
    )

    class Meta:
        verbose_name = _("home visit")
        verbose_name_plural = _("home visits")
        ordering = ["case", "scheduled_for", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(visited_at__isnull=True)
                | models.Q(visited_at__gte=models.F("scheduled_for")),
                name="visit_not_before_appointment",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.scheduled_for:%Y-%m-%d}"

    @property
    def is_recorded(self) -> bool:
        return self.visited_at is not None
