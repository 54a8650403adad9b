"""A rectification (整改): a finding the school must correct by a deadline."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from inspections import rules


class RectificationQuerySet(models.QuerySet["Rectification"]):
    def overdue(self) -> RectificationQuerySet:
        """Deadline passed (in Asia/Shanghai) and not closed."""
        return self.filter(deadline__lt=timezone.localdate()).exclude(state=Rectification.State.CLOSED)


class Rectification(ConcurrentTransitionMixin, models.Model):
    """open → answered (the school) → closed (the inspector), or answered → open (returned)."""

    class State(models.TextChoices):
        OPEN = "open", _("open")
        ANSWERED = "answered", _("answered")
        CLOSED = "closed", _("closed")

    finding = models.OneToOneField(
        "inspections.Finding",
        on_delete=models.PROTECT,
        related_name="rectification",
        verbose_name=_("finding"),
    )
    school = models.ForeignKey(
        "schools.School", on_delete=models.PROTECT, related_name="rectifications", verbose_name=_("school")
    )
    deadline = models.DateField(_("deadline"))
    state = FSMField(_("state"), max_length=16, choices=State.choices, default=State.OPEN, protected=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("opened by")
    )
    response = models.TextField(_("the school's response"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    return_comment = models.TextField(_("why it was returned"), blank=True)
    closing_comment = models.TextField(_("closing comment"), blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by"),
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = RectificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("rectification")
        verbose_name_plural = _("rectifications")
        ordering = ["deadline", "id"]
        indexes = [models.Index(fields=["school", "state", "deadline"], name="rectification_school_state")]

    def __str__(self) -> str:
        return str(_("Rectification %(id)s") % {"id": self.pk})

    @property
    def is_overdue(self) -> bool:
        return self.state != self.State.CLOSED and self.deadline < timezone.localdate()

    @transition(
        field=state,
        source=State.OPEN,
        target=State.ANSWERED,
        permission=rules.is_school_leader,
        conditions=[rules.has_response],
    )
    def answer(self, *, by: Any = None, **kwargs: Any) -> None:
        self.answered_by = by
        self.answered_at = timezone.now()

    @transition(
        field=state,
        source=State.ANSWERED,
        target=State.OPEN,
        permission=rules.is_bureau_inspector,
        conditions=[rules.has_return_comment],
    )
    def return_to_school(self, **kwargs: Any) -> None:
        """The inspector is not satisfied: the school answers again."""

    @transition(field=state, source=State.ANSWERED, target=State.CLOSED, permission=rules.is_bureau_inspector)
    def close(self, *, by: Any = None, **kwargs: Any) -> None:
        self.closed_by = by
        self.closed_at = timezone.now()
