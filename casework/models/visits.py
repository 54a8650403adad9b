"""Home visits (家访): planned by the school, agreed with the guardians, recorded by the teachers.

A visit belongs to a pupil and their school; a case is optional (most visits of the programme are
general visits to every family). See docs/home-visits.md.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class VisitKind(models.TextChoices):
    GENERAL = "general", _("general visit")
    TARGETED = "targeted", _("targeted visit")
    FOLLOW_UP = "follow_up", _("follow-up visit")


class VisitPlan(models.Model):
    """How a school shares out its visits (分组、分片、包班、包人) for a campaign year or a term."""

    class Grouping(models.TextChoices):
        GROUP = "group", _("by group")
        AREA = "area", _("by area")
        CLASS = "class", _("by class")
        PERSON = "person", _("by person")

    school = models.ForeignKey(
        "schools.School", on_delete=models.PROTECT, related_name="visit_plans", verbose_name=_("school")
    )
    campaign = models.ForeignKey(
        "schools.Campaign",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="visit_plans",
        verbose_name=_("campaign year"),
    )
    term = models.ForeignKey(
        "schools.Term",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="visit_plans",
        verbose_name=_("term"),
    )
    title = models.CharField(_("title"), max_length=128)
    grouping = models.CharField(_("grouping"), max_length=16, choices=Grouping.choices)
    area_label = models.CharField(
        _("area"), max_length=128, blank=True, help_text=_("The area (片区) the plan covers.")
    )
    classroom = models.ForeignKey(
        "schools.Classroom",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="visit_plans",
        verbose_name=_("class"),
    )
    kind = models.CharField(
        _("kind of visit"), max_length=16, choices=VisitKind.choices, default=VisitKind.GENERAL
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("visit plan")
        verbose_name_plural = _("visit plans")
        ordering = ["-starts_on", "-id"]
        indexes = [models.Index(fields=["school", "-starts_on"], name="visit_plan_school_start")]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="visit_plan_period"),
            models.CheckConstraint(
                condition=Q(campaign__isnull=False) | Q(term__isnull=False),
                name="visit_plan_campaign_or_term",
            ),
            models.CheckConstraint(
                condition=~Q(grouping="class") | Q(classroom__isnull=False),
                name="visit_plan_class_has_classroom",
            ),
            models.CheckConstraint(
                condition=~Q(grouping="area") | ~Q(area_label=""), name="visit_plan_area_has_label"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class HomeVisit(models.Model):
    """A home visit: planned (pupil + staff), then the appointment, then the record.

    Never recorded without a prior appointment: the services check it and a CHECK constraint
    enforces it (recorded ⇒ appointment present and visited_at ≥ scheduled_for).
    """

    Kind = VisitKind

    class Stage(models.TextChoices):
        PLANNED = "planned", _("awaiting appointment")
        APPOINTED = "appointed", _("to record")
        RECORDED = "recorded", _("recorded")

    class Method(models.TextChoices):
        PHONE = "phone", _("phone")
        IN_PERSON = "in_person", _("in person")
        MESSAGE = "message", _("message or WeChat")
        LETTER = "letter", _("letter")
        OTHER = "other", _("other")

    school = models.ForeignKey(
        "schools.School", on_delete=models.PROTECT, related_name="home_visits", verbose_name=_("school")
    )
    pupil = models.ForeignKey(
        "schools.Pupil", on_delete=models.PROTECT, related_name="home_visits", verbose_name=_("pupil")
    )
    case = models.ForeignKey(
        "casework.Case",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="visits",
        verbose_name=_("case"),
    )
    plan = models.ForeignKey(
        VisitPlan,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="visits",
        verbose_name=_("visit plan"),
    )
    follow_up_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="follow_ups",
        verbose_name=_("follow-up of"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=VisitKind.choices, default=VisitKind.GENERAL)
    participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="casework.VisitParticipant",
        related_name="home_visits",
        verbose_name=_("participants"),
    )
    planned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("planned by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    # The appointment (预约) agreed with the guardians.
    scheduled_for = models.DateTimeField(_("appointment"), null=True, blank=True)
    appointment_method = models.CharField(
        _("agreed by"), max_length=16, choices=Method.choices, blank=True, default=""
    )
    appointment_guardian = models.ForeignKey(
        "schools.Guardian",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("guardian"),
    )
    # The guardian's name is copied here, so the appointment survives a roster re-import.
    appointment_with = models.CharField(_("agreed with"), max_length=100, blank=True, default="")
    appointment_agreed_at = models.DateTimeField(_("agreed at"), null=True, blank=True)
    appointment_note = models.CharField(
        _("appointment note"),
        max_length=255,
        blank=True,
        help_text=_("Who agreed, and how (phone, letter, in person)."),
    )
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("appointment made by"),
    )

    # The record (家访记录).
    visited_at = models.DateTimeField(_("visited at"), null=True, blank=True)
    family_situation = models.TextField(_("family situation"), blank=True)
    growth_environment = models.TextField(_("growth environment"), blank=True)
    home_behaviour = models.TextField(_("behaviour at home"), blank=True)
    study_habits = models.TextField(_("study habits"), blank=True)
    living_habits = models.TextField(_("living habits"), blank=True)
    school_life_feedback = models.TextField(_("feedback on the pupil's school life"), blank=True)
    parents_opinions = models.TextField(_("parents' opinions and suggestions"), blank=True)
    policies_explained = models.TextField(_("education policies explained"), blank=True)
    measures_agreed = models.TextField(_("measures agreed with the parents"), blank=True)
    reflection = models.TextField(_("reflection"), blank=True)
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
        "growth_environment",
        "home_behaviour",
        "study_habits",
        "living_habits",
        "school_life_feedback",
        "parents_opinions",
        "policies_explained",
        "measures_agreed",
        "reflection",
        "no_gifts_pledge",
    )

    class Meta:
        verbose_name = _("home visit")
        verbose_name_plural = _("home visits")
        ordering = ["scheduled_for", "id"]
        indexes = [
            # Reports: coverage (recorded visits of a year) and overdue records, per school.
            models.Index(fields=["school", "visited_at"], name="visit_school_visited"),
            models.Index(fields=["school", "scheduled_for"], name="visit_school_scheduled"),
            models.Index(fields=["pupil", "visited_at"], name="visit_pupil_visited"),
        ]
        constraints = [
            # Never recorded without a prior appointment (a NULL comparison would pass a CHECK,
            # hence the explicit IS NOT NULLs).
            models.CheckConstraint(
                condition=Q(visited_at__isnull=True)
                | Q(
                    scheduled_for__isnull=False,
                    appointment_agreed_at__isnull=False,
                    visited_at__gte=F("scheduled_for"),
                ),
                name="visit_recorded_after_appointment",
            ),
            models.CheckConstraint(
                condition=Q(scheduled_for__isnull=True, appointment_agreed_at__isnull=True)
                | Q(scheduled_for__isnull=False, appointment_agreed_at__isnull=False),
                name="visit_appointment_complete",
            ),
            models.CheckConstraint(
                condition=Q(follow_up_of__isnull=True) | Q(kind="follow_up"),
                name="visit_follow_up_kind",
            ),
        ]

    def __str__(self) -> str:
        if self.scheduled_for is None:
            return str(self.get_kind_display())
        return f"{self.get_kind_display()} {self.scheduled_for:%Y-%m-%d}"

    @property
    def is_recorded(self) -> bool:
        return self.visited_at is not None

    @property
    def stage(self) -> str:
        if self.visited_at is not None:
            return self.Stage.RECORDED
        if self.scheduled_for is not None:
            return self.Stage.APPOINTED
        return self.Stage.PLANNED

    def get_stage_display(self) -> str:
        return str(self.Stage(self.stage).label)


def stage_q(stage: str) -> Q:
    """The visits in a stage, as a filter."""
    if stage == HomeVisit.Stage.RECORDED:
        return Q(visited_at__isnull=False)
    if stage == HomeVisit.Stage.APPOINTED:
        return Q(visited_at__isnull=True, scheduled_for__isnull=False)
    return Q(scheduled_for__isnull=True)


class VisitParticipant(models.Model):
    """A member of staff taking part in a visit; any of them may record it."""

    visit = models.ForeignKey(
        HomeVisit, on_delete=models.CASCADE, related_name="participations", verbose_name=_("home visit")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="visit_participations",
        verbose_name=_("member of staff"),
    )

    class Meta:
        verbose_name = _("visit participant")
        verbose_name_plural = _("visit participants")
        constraints = [models.UniqueConstraint(fields=["visit", "user"], name="visit_participant_unique")]

    def __str__(self) -> str:
        return f"{self.visit_id} · {self.user_id}"


class VisitGiftReport(models.Model):
    """A gift or banquet offered on a visit and refused or returned (清廉家访), for the leaders."""

    class Outcome(models.TextChoices):
        REFUSED = "refused", _("refused")
        RETURNED = "returned", _("returned")

    visit = models.ForeignKey(
        HomeVisit, on_delete=models.PROTECT, related_name="gift_reports", verbose_name=_("home visit")
    )
    what = models.CharField(_("what was offered"), max_length=255)
    offered_on = models.DateField(_("offered on"))
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    note = models.TextField(_("note"), blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("reported by")
    )
    reported_at = models.DateTimeField(_("reported at"), auto_now_add=True)

    class Meta:
        verbose_name = _("refused gift report")
        verbose_name_plural = _("refused gift reports")
        ordering = ["-reported_at", "-id"]

    def __str__(self) -> str:
        return self.what
