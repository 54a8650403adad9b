"""The records behind the "six ones" that are not casework records already.

The support plan (a ``casework.SupportPlan`` the teacher wrote) and the pairing (the teacher owns
a case open during the year) are read from casework; these four are the rest. Every record
belongs to one school and one campaign year (``schools.Campaign``), set by the service from the
record's date so that the year boundary is the bureau's calendar, not the calendar year.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class VisitEssay(models.Model):
    """A visit essay (家访随笔): what the teacher learnt from visiting homes."""

    school = models.ForeignKey(
        "schools.School", on_delete=models.PROTECT, related_name="+", verbose_name=_("school")
    )
    campaign = models.ForeignKey(
        "schools.Campaign", on_delete=models.PROTECT, related_name="+", verbose_name=_("campaign year")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("author")
    )
    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(_("essay"))
    visit = models.ForeignKey(
        "casework.HomeVisit",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("home visit"),
    )
    written_on = models.DateField(_("written on"))
    exemplary = models.BooleanField(_("exemplary"), default=False)
    exemplary_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("marked exemplary by"),
    )
    exemplary_at = models.DateTimeField(_("marked exemplary at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("visit essay")
        verbose_name_plural = _("visit essays")
        ordering = ["-written_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(exemplary=False) | Q(exemplary_by__isnull=False, exemplary_at__isnull=False),
                name="essay_exemplary_has_marker",
            )
        ]
        indexes = [
            models.Index(fields=["campaign", "author"], name="essay_campaign_author"),
            models.Index(fields=["school", "exemplary"], name="essay_school_exemplary"),
        ]

    def __str__(self) -> str:
        return self.title


class ParentsMeeting(models.Model):
    """A parents' meeting (家长座谈会) held by one or more teachers of the school."""

    school = models.ForeignKey(
        "schools.School", on_delete=models.PROTECT, related_name="+", verbose_name=_("school")
    )
    campaign = models.ForeignKey(
        "schools.Campaign", on_delete=models.PROTECT, related_name="+", verbose_name=_("campaign year")
    )
    held_on = models.DateField(_("held on"))
    topic = models.CharField(_("topic"), max_length=120)
    organisers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="+", verbose_name=_("organisers")
    )
    attendees = models.TextField(_("attendees"), help_text=_("Who came: parents, teachers, guests."))
    attendee_count = models.PositiveIntegerField(_("number of attendees"))
    minutes = models.TextField(_("minutes"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("parents' meeting")
        verbose_name_plural = _("parents' meetings")
        ordering = ["-held_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(attendee_count__gte=1), name="meeting_has_attendees"),
        ]
        indexes = [models.Index(fields=["school", "held_on"], name="meeting_school_held_on")]

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} {self.topic}"


class ActOfHelp(models.Model):
    """A concrete act of help (帮扶实事) a teacher did for a pupil, optionally within a case."""

    school = models.ForeignKey(
        "schools.School", on_delete=models.PROTECT, related_name="+", verbose_name=_("school")
    )
    campaign = models.ForeignKey(
        "schools.Campaign", on_delete=models.PROTECT, related_name="+", verbose_name=_("campaign year")
    )
    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("teacher")
    )
    pupil = models.ForeignKey(
        "schools.Pupil", on_delete=models.PROTECT, related_name="+", verbose_name=_("pupil")
    )
    case = models.ForeignKey(
        "casework.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("case"),
    )
    done_on = models.DateField(_("done on"))
    what = models.TextField(_("what was done"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("act of help")
        verbose_name_plural = _("acts of help")
        ordering = ["-done_on", "-id"]
        indexes = [
            models.Index(fields=["campaign", "teacher"], name="act_campaign_teacher"),
            models.Index(fields=["school", "done_on"], name="act_school_done_on"),
        ]

    def __str__(self) -> str:
        return f"{self.done_on:%Y-%m-%d} {self.what[:30]}"


class Handbook(models.Model):
    """A teacher's home-visit handbook (家访手册) for a campaign year, compiled from their visit
    records into a PDF. Compiling again replaces the snapshot; one per teacher and year."""

    school = models.ForeignKey(
        "schools.School", on_delete=models.PROTECT, related_name="+", verbose_name=_("school")
    )
    campaign = models.ForeignKey(
        "schools.Campaign", on_delete=models.PROTECT, related_name="+", verbose_name=_("campaign year")
    )
    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("teacher")
    )
    visit_count = models.PositiveIntegerField(_("home visits"))
    pdf = models.BinaryField(_("PDF"), editable=False)
    sha256 = models.CharField(_("SHA-256"), max_length=64, editable=False)
    compiled_at = models.DateTimeField(_("compiled at"))

    class Meta:
        verbose_name = _("home-visit handbook")
        verbose_name_plural = _("home-visit handbooks")
        ordering = ["-compiled_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "teacher"], name="handbook_one_per_teacher_year"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.teacher}"
