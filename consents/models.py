"""Guardians' consents (监护人同意): for what, given or refused by whom, recorded by whom, and
their withdrawal. Records are never edited or deleted; a new decision is a new record, so the
history stays (docs/consent.md)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Purpose(models.TextChoices):
    HOME_VISIT_PHOTOS = "home_visit_photos", _("home-visit photos")
    TRANSFER_SHARING = "transfer_sharing", _("sharing with another school on transfer")
    COUNSELLING = "counselling", _("psychological counselling")


class Consent(models.Model):
    """One decision of a pupil's guardian on one purpose, as recorded by the school.

    The school is the one that recorded it: a consent is given to a school, and a pupil who moves
    on is asked again by the new one. Only a consent that was given can be withdrawn.
    """

    Purpose = Purpose

    pupil = models.ForeignKey(
        "schools.Pupil", on_delete=models.PROTECT, related_name="consents", verbose_name=_("pupil")
    )
    school = models.ForeignKey(
        "schools.School", on_delete=models.PROTECT, related_name="+", verbose_name=_("school")
    )
    purpose = models.CharField(_("purpose"), max_length=32, choices=Purpose.choices)
    guardian = models.ForeignKey(
        "schools.Guardian",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("guardian"),
    )
    # Copied from the guardian (or written as given), so the record survives a roster re-import.
    guardian_name = models.CharField(_("guardian's name"), max_length=100)
    granted = models.BooleanField(_("consent given"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("withdrawal recorded by"),
    )
    withdrawal_reason = models.CharField(_("reason for the withdrawal"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-recorded_at", "-id"]
        indexes = [
            # The current record of a pupil's purpose: the latest one.
            models.Index(fields=["pupil", "purpose", "-recorded_at", "-id"], name="consent_pupil_purpose"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(guardian_name=""), name="consent_guardian_named"),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True, withdrawn_by__isnull=True, withdrawal_reason="")
                | Q(withdrawn_at__isnull=False, withdrawn_by__isnull=False, granted=True),
                name="consent_withdrawal_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} · {self.pupil_id}"

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None
