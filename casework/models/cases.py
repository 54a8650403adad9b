"""The case: one at-risk pupil, its categories, and its state machine (django-fsm-2)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from casework import rules

if TYPE_CHECKING:
    from casework.models.plans import SupportPlan
    from casework.models.visits import HomeVisit


class State(models.TextChoices):
    IDENTIFIED = "identified", _("identified")
    PLANNING = "planning", _("planning")
    AWAITING_APPROVAL = "awaiting_approval", _("awaiting approval")
    INTERVENTION = "intervention", _("intervention")
    HOME_VISIT = "home_visit", _("home visit")
    REVIEW = "review", _("review")
    CLOSED = "closed", _("closed")


class Category(models.TextChoices):
    POVERTY = "poverty", _("poverty")
    ACADEMIC = "academic", _("academic difficulty")
    PSYCHOLOGICAL = "psychological", _("psychological")
    SPECIAL_GROUP = "special_group", _("special group")


class RiskLevel(models.TextChoices):
    LOW = "low", _("low")
    MEDIUM = "medium", _("medium")
    HIGH = "high", _("high")


class ClosureOutcome(models.TextChoices):
    """How a case ended (结案情况), chosen when the principal closes it."""

    RESOLVED = "resolved", _("problem resolved")
    IMPROVED = "improved", _("clearly improved")
    REFERRED = "referred", _("referred to another agency")
    LEFT_SCHOOL = "left_school", _("transferred or left school")
    OTHER = "other", _("other")


class Case(ConcurrentTransitionMixin, models.Model):
    """A pupil who needs help, paired with a member of staff (结对教师, the owner).

    ``state`` changes only through the transitions below, called by ``casework.services``
    with the row locked; nothing else writes it.
    """

    pupil = models.ForeignKey(
        "schools.Pupil", on_delete=models.PROTECT, related_name="cases", verbose_name=_("pupil")
    )
    # The pupil's school when the case was opened: a case belongs to one school for good.
    school = models.ForeignKey(
        "schools.School", on_delete=models.PROTECT, related_name="cases", verbose_name=_("school")
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="owned_cases",
        verbose_name=_("paired teacher"),
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("opened by"),
    )
    summary = models.TextField(_("summary"))
    risk_level = models.CharField(
        _("risk level"), max_length=16, choices=RiskLevel.choices, default=RiskLevel.MEDIUM
    )
    state = FSMField(
        _("state"), max_length=32, choices=State.choices, default=State.IDENTIFIED, protected=True
    )
    # The appointment that took the case into the home_visit state.
    current_visit = models.ForeignKey(
        "casework.HomeVisit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("current home visit"),
    )
    # Set by every transition (and at opening): how long a case has waited in its state.
    # db_default too, so that rows inserted in bulk by SQL (tests, benchmarks) get one.
    state_changed_at = models.DateTimeField(_("state changed at"), default=timezone.now, db_default=Now())
    # Set by the close transition, cleared on reopen (the history stays in the audit trail).
    closure_outcome = models.CharField(
        _("closure outcome"),
        max_length=16,
        choices=ClosureOutcome.choices,
        blank=True,
        default="",
        db_default="",
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # Set by the retention run once the case's free text was replaced by a marker; such a case
    # stays closed for good (docs/retention.md).
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-updated_at", "-id"]
        permissions = [("access_counselling_notes", _("Can read and write confidential counselling notes"))]
        indexes = [
            models.Index(fields=["school", "state"], name="case_school_state"),
            models.Index(fields=["-updated_at", "-id"], name="case_recent"),
            # Reports: closures of a year per school.
            models.Index(fields=["school", "closed_at"], name="case_school_closed"),
        ]

    def __str__(self) -> str:
        return str(_("Case %(id)s") % {"id": self.pk})

    # -- reads used by the transition conditions ---------------------------------------------

    def latest_plan(self) -> SupportPlan | None:
        return self.plans.order_by("-version").first()

    def last_submitted_plan(self) -> SupportPlan | None:
        """The newest version ever sent to the principal (None before the first submission)."""
        return self.plans.filter(submitted_at__isnull=False).order_by("-version").first()

    def open_appointment(self) -> HomeVisit | None:
        return (
            self.visits.filter(visited_at__isnull=True, scheduled_for__isnull=False)
            .order_by("scheduled_for", "id")
            .first()
        )

    @property
    def category_codes(self) -> list[str]:
        """Category codes in a stable order (uses the prefetch cache when present)."""
        codes = {c.category for c in self.categories.all()}
        return [code for code in Category.values if code in codes]

    # -- transitions (see docs/case-lifecycle.md); the method bodies only set case data --------

    @transition(field=state, source=State.IDENTIFIED, target=State.PLANNING, permission=rules.is_case_worker)
    def draft_plan(self, **kwargs: Any) -> None:
        """Start drafting a support plan."""

    @transition(
        field=state,
        source=State.PLANNING,
        target=State.AWAITING_APPROVAL,
        permission=rules.is_case_worker,
        conditions=[rules.has_complete_plan, rules.plan_changed_since_submitted],
    )
    def submit_plan(self, **kwargs: Any) -> None:
        """Send the latest plan version to the principal."""

    @transition(
        field=state,
        source=State.AWAITING_APPROVAL,
        target=State.INTERVENTION,
        permission=rules.is_school_leader,
    )
    def approve_plan(self, **kwargs: Any) -> None:
        """The principal approves the plan (never its own author: four eyes)."""

    @transition(
        field=state, source=State.AWAITING_APPROVAL, target=State.PLANNING, permission=rules.is_school_leader
    )
    def return_plan(self, **kwargs: Any) -> None:
        """The principal sends the plan back with a comment."""

    @transition(
        field=state,
        source=State.INTERVENTION,
        target=State.HOME_VISIT,
        permission=rules.is_case_worker,
        conditions=[rules.has_open_appointment],
    )
    def schedule_home_visit(self, **kwargs: Any) -> None:
        self.current_visit = self.open_appointment()

    @transition(
        field=state,
        source=State.HOME_VISIT,
        target=State.REVIEW,
        permission=rules.is_case_worker,
        conditions=[rules.current_visit_recorded_with_pledge],
    )
    def complete_home_visit(self, **kwargs: Any) -> None:
        """The visit is written up, with the no-gifts pledge (清廉家访)."""

    @transition(field=state, source=State.REVIEW, target=State.INTERVENTION, permission=rules.is_reviewer)
    def continue_intervention(self, **kwargs: Any) -> None:
        """Support goes on under the same plan."""

    @transition(field=state, source=State.REVIEW, target=State.PLANNING, permission=rules.is_reviewer)
    def revise_plan(self, **kwargs: Any) -> None:
        """A new plan version is needed."""

    @transition(field=state, source=State.REVIEW, target=State.CLOSED, permission=rules.is_school_leader)
    def close(self, **kwargs: Any) -> None:
        """The principal closes the case with a closing summary and its outcome."""
        self.closure_outcome = kwargs.get("outcome", "")
        self.closed_at = timezone.now()

    @transition(
        field=state,
        source=State.CLOSED,
        target=State.PLANNING,
        permission=rules.is_school_leader,
        conditions=[rules.is_not_anonymised],
    )
    def reopen(self, **kwargs: Any) -> None:
        """The principal reopens a closed case."""
        self.closure_outcome = ""
        self.closed_at = None


class CaseCategory(models.Model):
    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="categories", verbose_name=_("case")
    )
    category = models.CharField(_("category"), max_length=32, choices=Category.choices)

    class Meta:
        verbose_name = _("case category")
        verbose_name_plural = _("case categories")
        constraints = [
            models.UniqueConstraint(fields=["case", "category"], name="case_category_unique"),
        ]
        # For "psychological cases of these schools" and the ?category= filter.
        indexes = [models.Index(fields=["category", "case"], name="case_category_lookup")]

    def __str__(self) -> str:
        return self.get_category_display()
