"""The case's support plan: each save is a new version."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import AuditContext, audit_record
from casework import rules
from casework.models import Case, State, SupportPlan
from casework.services.cases import case_lock, case_transition
from core.errors import Conflict, Invalid

if TYPE_CHECKING:
    from accounts.models import User


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
        case = case_lock(case_id=case_id, user=user)
        rules.require_case_worker(case, user)
        errors = {}
        if not goals:
            errors["goals"] = [_("Write the plan's goals.")]
        if not measures:
            errors["measures"] = [_("Write the measures.")]
        if errors:
            raise Invalid(_("The plan is incomplete."), errors=errors)
        if case.state not in (State.IDENTIFIED, State.PLANNING):
            raise Conflict(
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


def plan_submit(
    *,
    case_id: int,
    user: User,
    goals: str,
    measures: str,
    schedule: str = "",
    responsible_staff: str = "",
    context: AuditContext | None = None,
) -> SupportPlan:
    """Save the plan and send it to the principal, in one step (all or nothing).

    A new version is added only when the text differs from the latest one; an identified case
    is moved to planning first. 409 ``plan_unchanged`` when the plan is the one last submitted.
    """
    with transaction.atomic():
        case = case_lock(case_id=case_id, user=user)
        rules.require_case_worker(case, user)
        latest = case.latest_plan()
        wanted = tuple((value or "").strip() for value in (goals, measures, schedule, responsible_staff))
        if latest is not None and latest.content() == wanted and case.state == State.PLANNING:
            plan = latest
        else:
            plan = plan_create(
                case_id=case.pk,
                user=user,
                goals=goals,
                measures=measures,
                schedule=schedule,
                responsible_staff=responsible_staff,
                context=context,
            )
        if case.state == State.IDENTIFIED:
            case_transition(case_id=case.pk, user=user, name="draft_plan", context=context)
        case_transition(case_id=case.pk, user=user, name="submit_plan", context=context)
        plan.refresh_from_db()
    return plan
