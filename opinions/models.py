"""A parent's opinion (家长意见) raised on a home visit and routed to the school's leadership."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from opinions import rules

# An opinion still open this many days after it was raised counts as overdue.
ANSWER_WITHIN_DAYS = 15


class OpinionQuerySet(models.QuerySet["ParentOpinion"]):
    def open(self) -> OpinionQuerySet:
        return self.exclude(state=ParentOpinion.State.DONE)

    def overdue(self) -> OpinionQuerySet:
        """Raised more than ANSWER_WITHIN_DAYS ago (Asia/Shanghai dates) and not done."""
        limit = timezone.localdate() - datetime.timedelta(days=ANSWER_WITHIN_DAYS)
        return self.open().filter(raised_on__lt=limit)


class ParentOpinion(ConcurrentTransitionMixin, models.Model):
    """received → under study → rectification planned → done; received or under study → done."""

    class Channel(models.TextChoices):
        VISIT = "visit", _("home visit")
        PHONE = "phone", _("phone call")
        LETTER = "letter", _("letter")
        MEETING = "meeting", _("parents' meeting")
        MAILBOX = "mailbox", _("the school's mailbox")
        IN_PERSON = "in_person", _("in person at the school")
        OTHER = "other", _("other")

    class State(models.TextChoices):
        RECEIVED = "received", _("received")
        UNDER_STUDY = "under_study", _("under study")
        RECTIFICATION_PLANNED = "rectification_planned", _("rectification planned")
        DONE = "done", _("done")

    class About(models.TextChoices):
        SCHOOL = "school", _("the school")
        TEACHER = "teacher", _("a teacher")
        DEPARTMENT = "department", _("the education department")

    school = models.ForeignKey(
        "schools.School", on_delete=models.PROTECT, related_name="parent_opinions", verbose_name=_("school")
    )
    case = models.ForeignKey(
        "casework.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="parent_opinions",
        verbose_name=_("case"),
    )
    visit = models.ForeignKey(
        "casework.HomeVisit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="parent_opinions",
        verbose_name=_("home visit"),
    )
    channel = models.CharField(
        _("received by"), max_length=16, choices=Channel.choices, default=Channel.VISIT
    )
    # Empty when the opinion concerns the school in general rather than one pupil.
    pupil = models.ForeignKey(
        "schools.Pupil",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="parent_opinions",
        verbose_name=_("pupil"),
    )
    raised_on = models.DateField(_("raised on"))
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    guardian_name = models.CharField(_("guardian's name"), max_length=100, blank=True)
    about = models.CharField(_("about"), max_length=16, choices=About.choices)
    about_teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("teacher concerned"),
    )
    text = models.TextField(_("the parents' opinion"))
    state = FSMField(_("state"), max_length=24, choices=State.choices, default=State.RECEIVED, protected=True)
    plan = models.TextField(_("rectification plan"), blank=True)
    answer = models.TextField(_("answer given to the parents"), blank=True)
    answered_to_parents_on = models.DateField(_("parents told on"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handled by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = OpinionQuerySet.as_manager()

    class Meta:
        verbose_name = _("parent's opinion")
        verbose_name_plural = _("parents' opinions")
        ordering = ["-raised_on", "-id"]
        indexes = [models.Index(fields=["school", "state", "raised_on"], name="opinion_school_state")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(about="teacher", about_teacher__isnull=False)
                | (~models.Q(about="teacher") & models.Q(about_teacher__isnull=True)),
                name="opinion_teacher_iff_about_teacher",
            ),
            models.CheckConstraint(
                condition=models.Q(channel="visit", visit__isnull=False)
                | (~models.Q(channel="visit") & models.Q(visit__isnull=True)),
                name="opinion_visit_iff_channel_visit",
            ),
        ]

    def __str__(self) -> str:
        return str(_("Parents' opinion %(id)s") % {"id": self.pk})

    @property
    def is_overdue(self) -> bool:
        limit = timezone.localdate() - datetime.timedelta(days=ANSWER_WITHIN_DAYS)
        return self.state != self.State.DONE and self.raised_on < limit

    @transition(
        field=state, source=State.RECEIVED, target=State.UNDER_STUDY, permission=rules.is_school_leader
    )
    def study(self, *, by: Any = None, **kwargs: Any) -> None:
        self.handled_by = by

    @transition(
        field=state,
        source=State.UNDER_STUDY,
        target=State.RECTIFICATION_PLANNED,
        permission=rules.is_school_leader,
        conditions=[rules.has_plan],
    )
    def plan_rectification(self, *, by: Any = None, **kwargs: Any) -> None:
        self.handled_by = by

    @transition(
        field=state,
        source=[State.RECEIVED, State.UNDER_STUDY, State.RECTIFICATION_PLANNED],
        target=State.DONE,
        permission=rules.is_school_leader,
        conditions=[rules.has_answer, rules.has_answered_on],
    )
    def complete(self, *, by: Any = None, **kwargs: Any) -> None:
        """Done: the answer has been given back to the parents."""
        self.handled_by = by
