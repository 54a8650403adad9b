"""Writes on cases. Each service runs in one transaction, checks who may act, and audits."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition
from guardian.shortcuts import assign_perm, remove_perm

from audit.services import AuditContext, audit_record
from casework import access, rules
from casework.errors import CaseConflict, CaseInvalid, CaseNotFound, CasePermissionDenied
from casework.models import (
    Case,
    CaseCategory,
    Category,
    ClosureOutcome,
    HomeVisit,
    RiskLevel,
    State,
    SupportPlan,
)
from casework.transitions import TRANSITIONS
from schools.models import Membership
from schools.selectors import pupil_list_for_user

if TYPE_CHECKING:
    from accounts.models import User

NOTES_PERM = f"casework.{access.NOTES_PERMISSION}"


def _locked_case(*, case_id: int, user: User) -> Case:
    """Lock the case row for the rest of the transaction and read it afresh (404 if unseen)."""
    case = (
        Case.objects.select_for_update(of=("self",))
        .select_related("pupil", "pupil__classroom", "school", "owner", "current_visit")
        .filter(pk=case_id)
        .first()
    )
    if case is None or not access.case_roles(case, user):
        raise CaseNotFound(_("No such case."))
    return case


def _clean_categories(categories: Iterable[str]) -> list[str]:
    chosen = list(dict.fromkeys(categories))
    unknown = [c for c in chosen if c not in Category.values]
    if unknown or not chosen:
        raise CaseInvalid(
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
        raise CaseInvalid(_("The case cannot be opened."), errors=errors)
    assert pupil is not None
    if not Membership.objects.filter(user=user, school_id=pupil.school_id, is_active=True).exists():
        raise CasePermissionDenied(_("Only the staff of the pupil's school may open a case."))

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
        from workflows.services import case_process_start

        case_process_start(case=case)
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
        raise CaseNotFound(_("No such transition."), code="unknown_transition")
    comment = (comment or "").strip()
    outcome = (outcome or "").strip()
    with transaction.atomic():
        case = _locked_case(case_id=case_id, user=user)
        method = getattr(case, name)
        meta = method._django_fsm
        transition = next(iter(meta.transitions.values()))
        if not transition.has_perm(case, user):
            raise CasePermissionDenied(_("You may not do this on this case."))
        source = case.state
        if not meta.has_transition(source):
            raise CaseConflict(
                _("This cannot be done while the case is “%(state)s”.") % {"state": case.get_state_display()},
                code="invalid_state",
            )
        for condition in transition.conditions or []:
            if not condition(case):
                code, message = rules.MESSAGES[condition]
                raise CaseConflict(message, code=code)
        if spec.four_eyes and not rules.is_not_plan_author(case, user):
            raise CaseConflict(_("Someone other than the plan's author must approve it."), code="four_eyes")
        if spec.comment_required and not comment:
            raise CaseConflict(_("A comment is required for this step."), code="comment_required")
        _check_outcome(spec.outcome_required, outcome)
        previous_outcome = case.closure_outcome
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
            raise CaseConflict(
                _("Someone else changed this case at the same time."), code="concurrent"
            ) from exc
        audit_record(
            action="case.transition",
            actor=user,
            target=case,
            case_id=case.pk,
            school_id=case.school_id,
            detail=_transition_detail(name, source, case, comment, previous_outcome),
            context=context,
        )
        # The flow follows the case: complete the task of the old state, open the next one.
        from workflows.services import case_tasks_sync

        case_tasks_sync(case=case, actor=user, transition=name)
    return case


def _check_outcome(required: bool, outcome: str) -> None:
    if required and outcome not in ClosureOutcome.values:
        raise CaseInvalid(
            _("Choose how the case ended."),
            errors={
                "outcome": [_("Choose one of: %(choices)s.") % {"choices": ", ".join(ClosureOutcome.values)}]
            },
        )
    if not required and outcome:
        raise CaseInvalid(
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


def _require_worker(case: Case, user: User) -> None:
    if not rules.is_case_worker(case, user):
        raise CasePermissionDenied(_("Only the paired teacher or the class teacher may write this."))


def plan_create(
    *,
    case_id: int,
    user: User,
    goals: str,
    measures: str,
    schedule: str = "",
    responsible_staff: str = "",
    context: AuditContext | None = None,
) -> SupportPlan:
    """Add a new version of the support plan (while the case is identified or in planning)."""
    goals, measures = (goals or "").strip(), (measures or "").strip()
    with transaction.atomic():
        case = _locked_case(case_id=case_id, user=user)
        _require_worker(case, user)
        errors = {}
        if not goals:
            errors["goals"] = [_("Write the plan's goals.")]
        if not measures:
            errors["measures"] = [_("Write the measures.")]
        if errors:
            raise CaseInvalid(_("The plan is incomplete."), errors=errors)
        if case.state not in (State.IDENTIFIED, State.PLANNING):
            raise CaseConflict(
                _("A plan can only be written while the case is being planned."), code="invalid_state"
            )
        latest = case.latest_plan()
        plan = SupportPlan(
            case=case,
            version=(latest.version + 1) if latest else 1,
            goals=goals,
            measures=measures,
            schedule=(schedule or "").strip(),
            responsible_staff=(responsible_staff or "").strip(),
            author=user,
        )
        plan.full_clean()
        plan.save()
        Case.objects.filter(pk=case.pk).update(updated_at=timezone.now())
        audit_record(
            action="plan.create",
            actor=user,
            target=plan,
            case_id=case.pk,
            school_id=case.school_id,
            detail={
                "version": plan.version,
                "new": {
                    "goals": goals,
                    "measures": measures,
                    "schedule": plan.schedule,
                    "responsible_staff": plan.responsible_staff,
                },
            },
            context=context,
        )
    return plan


def visit_schedule(
    *,
    case_id: int,
    user: User,
    scheduled_for: datetime.datetime,
    kind: str = HomeVisit.Kind.GENERAL,
    appointment_note: str = "",
    context: AuditContext | None = None,
) -> HomeVisit:
    """Record an appointment agreed with the guardians. It may lie in the past (written up later)."""
    errors = {}
    if kind not in HomeVisit.Kind.values:
        errors["kind"] = [_("Choose general, targeted or follow_up.")]
    if scheduled_for is None or timezone.is_naive(scheduled_for):
        errors["scheduled_for"] = [_("Give the date and time of the appointment, with its time zone.")]
    if errors:
        raise CaseInvalid(_("The appointment is incomplete."), errors=errors)
    with transaction.atomic():
        case = _locked_case(case_id=case_id, user=user)
        _require_worker(case, user)
        if case.state == State.CLOSED:
            raise CaseConflict(_("The case is closed."), code="invalid_state")
        visit = HomeVisit(
            case=case,
            kind=kind,
            scheduled_for=scheduled_for,
            appointment_note=(appointment_note or "").strip(),
            scheduled_by=user,
        )
        visit.full_clean()
        visit.save()
        Case.objects.filter(pk=case.pk).update(updated_at=timezone.now())
        audit_record(
            action="visit.schedule",
            actor=user,
            target=visit,
            case_id=case.pk,
            school_id=case.school_id,
            detail={
                "new": {
                    "kind": kind,
                    "scheduled_for": scheduled_for.isoformat(),
                    "appointment_note": visit.appointment_note,
                }
            },
            context=context,
        )
    return visit


def visit_record(
    *,
    case_id: int,
    visit_id: int,
    user: User,
    data: dict[str, Any],
    context: AuditContext | None = None,
) -> HomeVisit:
    """File (or correct) the record of a visit. Never before its appointment, never in the future."""
    unknown = sorted(set(data) - set(HomeVisit.RECORD_FIELDS))
    if unknown:
        raise CaseInvalid(
            _("Unknown fields."), errors={name: [_("This field cannot be changed here.")] for name in unknown}
        )
    with transaction.atomic():
        case = _locked_case(case_id=case_id, user=user)
        visit = HomeVisit.objects.select_for_update().filter(pk=visit_id, case=case).first()
        if visit is None:
            raise CaseNotFound(_("No such visit."))
        _require_worker(case, user)
        if case.state == State.CLOSED:
            raise CaseConflict(_("The case is closed."), code="invalid_state")
        old = {name: getattr(visit, name) for name in data}
        for name, value in data.items():
            setattr(visit, name, value)
        errors: dict[str, list[str]] = {}
        now = timezone.now()
        if visit.visited_at is None:
            errors["visited_at"] = [_("Give the date and time of the visit.")]
        elif timezone.is_naive(visit.visited_at):
            errors["visited_at"] = [_("Give the time zone of the visit time.")]
        elif visit.visited_at < visit.scheduled_for:
            errors["visited_at"] = [_("A visit cannot take place before its appointment.")]
        elif visit.visited_at > now:
            errors["visited_at"] = [_("A visit cannot be recorded in the future.")]
        if errors:
            raise CaseInvalid(_("The visit record is incomplete."), errors=errors)
        visit.recorded_by = user
        visit.recorded_at = now
        visit.full_clean()
        visit.save(update_fields=[*data.keys(), "recorded_by", "recorded_at"])
        Case.objects.filter(pk=case.pk).update(updated_at=now)
        audit_record(
            action="visit.record",
            actor=user,
            target=visit,
            case_id=case.pk,
            school_id=case.school_id,
            detail={"old": _jsonable(old), "new": _jsonable({name: getattr(visit, name) for name in data})},
            context=context,
        )
    return visit


def counsellor_grant(
    *, case_id: int, user: User, counsellor_id: int, context: AuditContext | None = None
) -> None:
    """A principal grants a counsellor of the school access to the case's confidential notes."""
    _change_counsellor_grant(
        case_id=case_id, user=user, counsellor_id=counsellor_id, grant=True, context=context
    )


def counsellor_revoke(
    *, case_id: int, user: User, counsellor_id: int, context: AuditContext | None = None
) -> None:
    _change_counsellor_grant(
        case_id=case_id, user=user, counsellor_id=counsellor_id, grant=False, context=context
    )


def _change_counsellor_grant(
    *, case_id: int, user: User, counsellor_id: int, grant: bool, context: AuditContext | None
) -> None:
    with transaction.atomic():
        case = _locked_case(case_id=case_id, user=user)
        if not rules.is_school_leader(case, user):
            raise CasePermissionDenied(
                _("Only the principal or a vice principal may grant or revoke access.")
            )
        membership = (
            Membership.objects.filter(
                user_id=counsellor_id,
                school_id=case.school_id,
                role=Membership.Role.COUNSELLOR,
                is_active=True,
            )
            .select_related("user")
            .first()
        )
        if membership is None:
            raise CaseInvalid(
                _("Choose a counsellor of this school."),
                errors={"counsellor": [_("Not a counsellor of this school.")]},
            )
        if grant:
            assign_perm(NOTES_PERM, membership.user, case)
        else:
            remove_perm(NOTES_PERM, membership.user, case)
        access.forget_roles(case)
        audit_record(
            action="permission.grant" if grant else "permission.revoke",
            actor=user,
            target=case,
            case_id=case.pk,
            school_id=case.school_id,
            detail={"permission": access.NOTES_PERMISSION, "user": membership.user_id},
            context=context,
        )


def _jsonable(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, datetime.datetime) else v for k, v in values.items()}
