"""Opening a case and moving it through its lifecycle (docs/case-lifecycle.md).

Both announce what happened (``casework.signals``) inside their transaction; casework does not
know who listens (the workflow does, see docs/decisions/0003-case-events.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition
from guardian.shortcuts import assign_perm

from audit.services import AuditContext, audit_record
from casework import access, rules
from casework.models import Case, CaseCategory, Category, ClosureOutcome, RiskLevel, SupportPlan
from casework.signals import case_opened, case_transitioned
from casework.transitions import TRANSITIONS
from core.errors import Conflict, Forbidden, Invalid, NotFound
from schools.models import Membership
from schools.selectors import pupil_list_for_user

if TYPE_CHECKING:
    from accounts.models import User

NOTES_PERM = f"casework.{access.NOTES_PERMISSION}"


def case_lock(*, case_id: int, user: User) -> Case:
    """Lock the case row for the rest of the transaction and read it afresh (404 if unseen)."""
    case = (
        Case.objects.select_for_update(of=("self",))
        .select_related("pupil", "pupil__classroom", "school", "owner", "current_visit")
        .filter(pk=case_id)
        .first()
    )
    if case is None or not access.case_roles(case, user):
        raise NotFound(_("No such case."), refusal=access.case_refusal(case) if case else None)
    return case


def _clean_categories(categories: Iterable[str]) -> list[str]:
    chosen = list(dict.fromkeys(categories))
    unknown = [c for c in chosen if c not in Category.values]
    if unknown or not chosen:
        raise Invalid(
            _("Choose one or more categories."),
            errors={
                "categories": [
                    _("Choose one or more of: %(choices)s.") % {"choices": ", ".join(Category.values)}
                ]
            },
        )
    return chosen


def _grant_school_counsellors(case: Case) -> list[int]:
    counsellors = Membership.objects.filter(
        school_id=case.school_id, role=Membership.Role.COUNSELLOR, is_active=True
    ).select_related("user")
    granted = []
    for membership in counsellors:
        assign_perm(NOTES_PERM, membership.user, case)
        granted.append(membership.user_id)
    access.forget_roles(case)
    return granted


def case_open(
    *,
    user: User,
    pupil_id: int,
    categories: Iterable[str],
    summary: str,
    risk_level: str = RiskLevel.MEDIUM,
    context: AuditContext | None = None,
) -> Case:
    """Any member of staff of the pupil's school opens a case and becomes its owner."""
    chosen = _clean_categories(categories)
    summary = (summary or "").strip()
    errors: dict[str, list[str]] = {}
    if not summary:
        errors["summary"] = [_("Describe why the pupil needs help.")]
    if risk_level not in RiskLevel.values:
        errors["risk_level"] = [_("Choose low, medium or high.")]
    pupil = pupil_list_for_user(user=user).select_related("school").filter(pk=pupil_id).first()
    if pupil is None:
        errors["pupil"] = [_("No such pupil.")]
    if errors:
        raise Invalid(_("The case cannot be opened."), errors=errors)
    assert pupil is not None
    if not Membership.objects.filter(user=user, school_id=pupil.school_id, is_active=True).exists():
        raise Forbidden(_("Only the staff of the pupil's school may open a case."))

    with transaction.atomic():
        case = Case(
            pupil=pupil,
            school_id=pupil.school_id,
            owner=user,
            opened_by=user,
            summary=summary,
            risk_level=risk_level,
        )
        case.full_clean(exclude=["state"])  # protected: set only by transitions
        case.save()
        CaseCategory.objects.bulk_create([CaseCategory(case=case, category=c) for c in chosen])
        granted = _grant_school_counsellors(case) if Category.PSYCHOLOGICAL in chosen else []
        audit_record(
            action="case.open",
            actor=user,
            target=case,
            case_id=case.pk,
            school_id=case.school_id,
            detail={
                "pupil": pupil.pk,
                "categories": chosen,
                "risk_level": risk_level,
                "state": case.state,
                "counsellors_granted": granted,
            },
            context=context,
        )
        # Announced inside the transaction: a listener's failure undoes the case (ADR 0003).
        case_opened.send(sender=Case, case=case, actor=user)
    return case


def case_transition(
    *,
    case_id: int,
    user: User,
    name: str,
    comment: str = "",
    outcome: str = "",
    context: AuditContext | None = None,
) -> Case:
    """Fire a transition: 404 unseen, 403 wrong person, 409 wrong state or unmet condition,
    400 when closing without a valid outcome (or giving one to another transition)."""
    spec = TRANSITIONS.get(name)
    if spec is None:
        raise NotFound(_("No such transition."), code="unknown_transition")
    comment = (comment or "").strip()
    outcome = (outcome or "").strip()
    with transaction.atomic():
        case = case_lock(case_id=case_id, user=user)
        method = getattr(case, name)
        meta = method._django_fsm
        transition = next(iter(meta.transitions.values()))
        if not transition.has_perm(case, user):
            raise Forbidden(_("You may not do this on this case."))
        source = case.state
        if not meta.has_transition(source):
            raise Conflict(
                _("This cannot be done while the case is “%(state)s”.") % {"state": case.get_state_display()},
                code="invalid_state",
            )
        for condition in transition.conditions or []:
            if not condition(case):
                code, message = rules.MESSAGES[condition]
                raise Conflict(message, code=code)
        if spec.four_eyes and not rules.is_not_plan_author(case, user):
            raise Conflict(_("Someone other than the plan's author must approve it."), code="four_eyes")
        if spec.comment_required and not comment:
            raise Conflict(_("A comment is required for this step."), code="comment_required")
        _check_outcome(spec.outcome_required, outcome)
        previous_outcome = case.closure_outcome
        submitted = case.latest_plan() if name == "submit_plan" else None
        method(by=user, comment=comment, outcome=outcome)
        case.state_changed_at = timezone.now()
        case.full_clean(exclude=["state", "pupil", "school", "owner", "opened_by", "current_visit"])
        try:
            case.save(
                update_fields=[
                    "state",
                    "current_visit",
                    "state_changed_at",
                    "closure_outcome",
                    "closed_at",
                    "updated_at",
                ]
            )
        except ConcurrentTransition as exc:
            raise Conflict(_("Someone else changed this case at the same time."), code="concurrent") from exc
        if submitted is not None:
            # The version the principal is asked to approve (its content is never edited).
            SupportPlan.objects.filter(pk=submitted.pk).update(submitted_at=case.state_changed_at)
        audit_record(
            action="case.transition",
            actor=user,
            target=case,
            case_id=case.pk,
            school_id=case.school_id,
            detail=_transition_detail(name, source, case, comment, previous_outcome),
            context=context,
        )
        # Announced inside the transaction, after the audit event: the flow follows the case
        # (workflows completes the old state's task and opens the next one), and an exception
        # in a listener rolls back the transition and its audit event with it (ADR 0003).
        case_transitioned.send(sender=Case, case=case, actor=user, transition=name)
    return case


def _check_outcome(required: bool, outcome: str) -> None:
    if required and outcome not in ClosureOutcome.values:
        raise Invalid(
            _("Choose how the case ended."),
            errors={
                "outcome": [_("Choose one of: %(choices)s.") % {"choices": ", ".join(ClosureOutcome.values)}]
            },
        )
    if not required and outcome:
        raise Invalid(
            _("Only closing a case takes an outcome."),
            errors={"outcome": [_("Only closing a case takes an outcome.")]},
        )


def _transition_detail(
    name: str, source: str, case: Case, comment: str, previous_outcome: str
) -> dict[str, Any]:
    """The transition's audit detail; closing and reopening also keep the outcome's history."""
    detail: dict[str, Any] = {"transition": name, "from": source, "to": case.state, "comment": comment}
    if case.closure_outcome:
        detail["outcome"] = case.closure_outcome
    if previous_outcome and previous_outcome != case.closure_outcome:
        detail["previous_outcome"] = previous_outcome
    return detail
