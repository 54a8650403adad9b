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
    VisitGiftReport,
    VisitKind,
    VisitParticipant,
    VisitPlan,
)
from casework.transitions import TRANSITIONS
from schools.models import Campaign, Classroom, Guardian, Membership, Pupil, School, Term
from schools.selectors import pupil_list_for_user, school_list_for_user

if TYPE_CHECKING:
    from accounts.models import User

NOTES_PERM = f"casework.{access.NOTES_PERMISSION}"
# No appointment (nor its agreement) lies before this: an older date is a typo, and the API could
# not give it back as RFC 3339 (before 1901 Asia/Shanghai's offset has seconds: +08:05:43).
EARLIEST_APPOINTMENT = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)


def case_lock(*, case_id: int, user: User) -> Case:
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
        case = case_lock(case_id=case_id, user=user)
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
        case = case_lock(case_id=case_id, user=user)
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
    method: str = "",
    guardian_id: int | None = None,
    with_name: str = "",
    agreed_at: datetime.datetime | None = None,
    context: AuditContext | None = None,
) -> HomeVisit:
    """A case's worker plans a visit to the case's pupil and records the appointment agreed with
    the guardians in one step. It may lie in the past (written up later)."""
    if kind not in HomeVisit.Kind.values:
        raise CaseInvalid(
            _("The appointment is incomplete."),
            errors={"kind": [_("Choose general, targeted or follow_up.")]},
        )
    with transaction.atomic():
        case = case_lock(case_id=case_id, user=user)
        _require_worker(case, user)
        if case.state == State.CLOSED:
            raise CaseConflict(_("The case is closed."), code="invalid_state")
        visit = HomeVisit(
            case=case, pupil=case.pupil, school=case.school, kind=kind, planned_by=user, scheduled_by=user
        )
        appointment = _appointment_values(
            visit,
            scheduled_for=scheduled_for,
            method=method or HomeVisit.Method.OTHER,
            guardian_id=guardian_id,
            with_name=with_name,
            agreed_at=agreed_at,
            note=appointment_note,
            require_who=False,
        )
        for name, value in appointment.items():
            setattr(visit, name, value)
        visit.full_clean()
        visit.save()
        VisitParticipant.objects.create(visit=visit, user=user)
        Case.objects.filter(pk=case.pk).update(updated_at=timezone.now())
        _audit_visit(
            "visit.schedule", user, visit, {"new": {"kind": kind, **_jsonable(appointment)}}, context
        )
    return visit


def visit_record(
    *,
    visit_id: int,
    user: User,
    data: dict[str, Any],
    case_id: int | None = None,
    context: AuditContext | None = None,
) -> HomeVisit:
    """File (or correct) the record of a visit: any participant (or a worker of its case).

    Never without a prior appointment, never before it, never in the future, and only with the
    integrity pledge (清廉家访) confirmed. With ``case_id``, the visit must belong to that case.
    """
    unknown = sorted(set(data) - set(HomeVisit.RECORD_FIELDS))
    if unknown:
        raise CaseInvalid(
            _("Unknown fields."), errors={name: [_("This field cannot be changed here.")] for name in unknown}
        )
    with transaction.atomic():
        case, visit = _locked_case_and_visit(visit_id=visit_id, user=user, case_id=case_id)
        _require_visit_writer(visit, user)
        _require_open_case(case)
        if visit.scheduled_for is None:
            raise CaseConflict(
                _("Agree an appointment with the guardians before recording the visit."),
                code="appointment_missing",
            )
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
        if not visit.no_gifts_pledge:
            errors["no_gifts_pledge"] = [
                _("Confirm that you accepted no banquet and no gift (清廉家访) to record the visit.")
            ]
        if errors:
            raise CaseInvalid(_("The visit record is incomplete."), errors=errors)
        visit.recorded_by = user
        visit.recorded_at = now
        visit.full_clean()
        visit.save(update_fields=[*data.keys(), "recorded_by", "recorded_at"])
        # Whoever writes the record was there: they take part in the visit from now on.
        VisitParticipant.objects.get_or_create(visit=visit, user=user)
        if case is not None:
            Case.objects.filter(pk=case.pk).update(updated_at=now)
        _audit_visit(
            "visit.record",
            user,
            visit,
            {"old": _jsonable(old), "new": _jsonable({name: getattr(visit, name) for name in data})},
            context,
        )
    return visit


# --- home visits without a case: plans, appointments, follow-ups (docs/home-visits.md) -----------


def _audit_visit(
    action: str, user: User, visit: HomeVisit, detail: dict[str, Any], context: AuditContext | None
) -> None:
    audit_record(
        action=action,
        actor=user,
        target=visit,
        case_id=visit.case_id,
        school_id=visit.school_id,
        detail=detail,
        context=context,
    )


def _locked_case_and_visit(
    *, visit_id: int, user: User, case_id: int | None = None
) -> tuple[Case | None, HomeVisit]:
    """Lock the visit's case (first, as every case service does: no deadlock) and the visit."""
    current_case_id = HomeVisit.objects.filter(pk=visit_id).values_list("case_id", flat=True).first()
    case = None
    if case_id is not None:
        case = case_lock(case_id=case_id, user=user)
        if current_case_id != case.pk:
            raise CaseNotFound(_("No such visit."))
    elif current_case_id is not None:
        case = (
            Case.objects.select_for_update(of=("self",))
            .select_related("pupil__classroom", "school")
            .get(pk=current_case_id)
        )
    visit = (
        HomeVisit.objects.select_for_update(of=("self",))
        .select_related("pupil__classroom", "school__bureau", "case__pupil__classroom", "case__school")
        .filter(pk=visit_id)
        .first()
    )
    if visit is None or visit.case_id != (case.pk if case else None) or not access.visit_roles(visit, user):
        raise CaseNotFound(_("No such visit."))
    return case, visit


def _require_visit_writer(visit: HomeVisit, user: User) -> None:
    if not access.may_write_visit(visit, user):
        raise CasePermissionDenied(_("Only the visit's participants may do this."))


def _require_open_case(case: Case | None) -> None:
    if case is not None and case.state == State.CLOSED:
        raise CaseConflict(_("The case is closed."), code="invalid_state")


def _clean_participants(school_id: int, participant_ids: Iterable[int]) -> list[int]:
    """Active members of staff of the school, in the order given (400 for anyone else)."""
    wanted = list(dict.fromkeys(participant_ids))
    staff = set(
        Membership.objects.filter(school_id=school_id, is_active=True, user_id__in=wanted).values_list(
            "user_id", flat=True
        )
    )
    if len(staff) != len(wanted):
        raise CaseInvalid(
            _("Choose members of staff of the pupil's school."),
            errors={"participants": [_("Choose members of staff of the pupil's school.")]},
        )
    return wanted


def _appointment_values(
    visit: HomeVisit,
    *,
    scheduled_for: datetime.datetime | None,
    method: str,
    guardian_id: int | None,
    with_name: str,
    agreed_at: datetime.datetime | None,
    note: str,
    require_who: bool = True,
) -> dict[str, Any]:
    """The appointment's fields, checked: who agreed (a guardian of the pupil, or a name), how,
    for when, and when it was agreed (never in the future, never after the appointed time)."""
    errors: dict[str, list[str]] = {}
    now = timezone.now()
    if scheduled_for is None or timezone.is_naive(scheduled_for):
        errors["scheduled_for"] = [_("Give the date and time of the appointment, with its time zone.")]
    elif scheduled_for < EARLIEST_APPOINTMENT:
        errors["scheduled_for"] = [_("Give a date from the year 2000 on.")]
    if method not in HomeVisit.Method.values:
        errors["method"] = [_("Choose how the appointment was agreed.")]
    guardian = None
    if guardian_id is not None:
        guardian = Guardian.objects.filter(pk=guardian_id, pupil_id=visit.pupil_id).first()
        if guardian is None:
            errors["guardian"] = [_("Choose a guardian of this pupil.")]
    name = guardian.name if guardian is not None else (with_name or "").strip()[:100]
    if require_who and not name and "guardian" not in errors:
        errors["with_name"] = [_("Say who agreed: choose a guardian or write a name.")]
    if agreed_at is not None and timezone.is_naive(agreed_at):
        errors["agreed_at"] = [_("Give the time zone of the agreement's time.")]
    elif agreed_at is not None and agreed_at > now:
        errors["agreed_at"] = [_("An appointment cannot be agreed in the future.")]
    elif agreed_at is not None and agreed_at < EARLIEST_APPOINTMENT:
        errors["agreed_at"] = [_("Give a date from the year 2000 on.")]
    elif agreed_at is not None and "scheduled_for" not in errors and agreed_at > scheduled_for:  # type: ignore[operator]
        errors["agreed_at"] = [_("An appointment is agreed before its time.")]
    if errors:
        raise CaseInvalid(_("The appointment is incomplete."), errors=errors)
    assert scheduled_for is not None
    if agreed_at is None:
        agreed_at = min(now, scheduled_for)
    return {
        "scheduled_for": scheduled_for,
        "appointment_method": method,
        "appointment_guardian": guardian,
        "appointment_with": name,
        "appointment_agreed_at": agreed_at,
        "appointment_note": (note or "").strip()[:255],
    }


def _staff_or_refuse(user: User, school_id: int) -> set[str]:
    """The user's roles at the school; 403 for someone who only reads it (an inspector)."""
    roles = set(
        Membership.objects.filter(user=user, school_id=school_id, is_active=True).values_list(
            "role", flat=True
        )
    )
    if not roles:
        raise CasePermissionDenied(_("Only the staff of the pupil's school may plan its visits."))
    return roles


def visit_plan_create(
    *,
    user: User,
    school_id: int,
    title: str,
    grouping: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    campaign_id: int | None = None,
    term_id: int | None = None,
    area_label: str = "",
    classroom_id: int | None = None,
    kind: str = VisitKind.GENERAL,
    context: AuditContext | None = None,
) -> VisitPlan:
    """The school's leaders or administrators plan the visits of a campaign year or a term."""
    if not school_list_for_user(user=user).filter(pk=school_id).exists():
        raise CaseNotFound(_("No such school."))
    if not _staff_or_refuse(user, school_id) & set(access.PLANNER_ROLES):
        raise CasePermissionDenied(_("Only the school's leaders and administrators plan its visits."))
    title, area_label = (title or "").strip(), (area_label or "").strip()
    errors: dict[str, list[str]] = {}
    if not title:
        errors["title"] = [_("Give the plan a title.")]
    if grouping not in VisitPlan.Grouping.values:
        errors["grouping"] = [_("Choose how the visits are shared out.")]
    if kind not in VisitKind.values:
        errors["kind"] = [_("Choose general, targeted or follow_up.")]
    if not isinstance(starts_on, datetime.date) or not isinstance(ends_on, datetime.date):
        errors["ends_on"] = [_("Give the plan's first and last day.")]
    elif ends_on < starts_on:
        errors["ends_on"] = [_("The plan must end after it starts.")]
    if campaign_id is None and term_id is None:
        errors["campaign"] = [_("Choose the campaign year or the term.")]
    school = School.objects.get(pk=school_id)
    if (
        campaign_id is not None
        and not Campaign.objects.filter(pk=campaign_id, bureau_id=school.bureau_id).exists()
    ):
        errors["campaign"] = [_("Choose a campaign year of the school's bureau.")]
    if term_id is not None and not Term.objects.filter(pk=term_id).exists():
        errors["term"] = [_("No such term.")]
    if grouping == VisitPlan.Grouping.AREA and not area_label:
        errors["area_label"] = [_("Name the area.")]
    if grouping == VisitPlan.Grouping.CLASS and classroom_id is None:
        errors["classroom"] = [_("Choose the class.")]
    if (
        classroom_id is not None
        and not Classroom.objects.filter(pk=classroom_id, school_id=school_id).exists()
    ):
        errors["classroom"] = [_("Choose a class of the school.")]
    if errors:
        raise CaseInvalid(_("The visit plan is incomplete."), errors=errors)
    with transaction.atomic():
        plan = VisitPlan(
            school=school,
            campaign_id=campaign_id,
            term_id=term_id,
            title=title,
            grouping=grouping,
            area_label=area_label,
            classroom_id=classroom_id,
            kind=kind,
            starts_on=starts_on,
            ends_on=ends_on,
            created_by=user,
        )
        plan.full_clean()
        plan.save()
        audit_record(
            action="visit_plan.create",
            actor=user,
            target=plan,
            school_id=school_id,
            detail={
                "new": {
                    "title": title,
                    "grouping": grouping,
                    "kind": kind,
                    "campaign": campaign_id,
                    "term": term_id,
                    "area_label": area_label,
                    "classroom": classroom_id,
                    "starts_on": starts_on.isoformat(),
                    "ends_on": ends_on.isoformat(),
                }
            },
            context=context,
        )
    return plan


def visit_plan_assign(
    *,
    user: User,
    plan_id: int,
    pupil_ids: Iterable[int],
    participant_ids: Iterable[int],
    context: AuditContext | None = None,
) -> list[HomeVisit]:
    """Plan one visit per pupil with the given staff. Pupils the plan already visits are skipped."""
    pupils_wanted = list(dict.fromkeys(pupil_ids))
    with transaction.atomic():
        plan = (
            VisitPlan.objects.select_for_update()
            .filter(pk=plan_id, school_id__in=school_list_for_user(user=user).values("id"))
            .first()
        )
        if plan is None:
            raise CaseNotFound(_("No such visit plan."))
        if not _staff_or_refuse(user, plan.school_id) & set(access.PLANNER_ROLES):
            raise CasePermissionDenied(_("Only the school's leaders and administrators plan its visits."))
        pupils = list(Pupil.objects.filter(pk__in=pupils_wanted, school_id=plan.school_id, is_active=True))
        errors: dict[str, list[str]] = {}
        if not pupils_wanted or len(pupils) != len(pupils_wanted):
            errors["pupils"] = [_("Choose pupils on the roll of the school.")]
        participants: list[int] = []
        try:
            participants = _clean_participants(plan.school_id, participant_ids)
        except CaseInvalid as exc:
            errors.update(exc.errors)
        if not participants and "participants" not in errors:
            errors["participants"] = [_("Choose who visits.")]
        if errors:
            raise CaseInvalid(_("The assignment is incomplete."), errors=errors)
        already = set(plan.visits.values_list("pupil_id", flat=True))
        visits = []
        for pupil in sorted(pupils, key=lambda p: pupils_wanted.index(p.pk)):
            if pupil.pk in already:
                continue
            visit = HomeVisit(
                school_id=plan.school_id, pupil=pupil, plan=plan, kind=plan.kind, planned_by=user
            )
            visit.full_clean(exclude=["participants"])
            visit.save()
            visits.append(visit)
        VisitParticipant.objects.bulk_create(
            [VisitParticipant(visit=visit, user_id=uid) for visit in visits for uid in participants]
        )
        for visit in visits:
            _audit_visit(
                "visit.plan",
                user,
                visit,
                {
                    "new": {
                        "plan": plan.pk,
                        "pupil": visit.pupil_id,
                        "kind": visit.kind,
                        "participants": participants,
                    }
                },
                context,
            )
    return visits


def visit_create(
    *,
    user: User,
    pupil_id: int,
    kind: str = VisitKind.GENERAL,
    participant_ids: Iterable[int] = (),
    plan_id: int | None = None,
    context: AuditContext | None = None,
) -> HomeVisit:
    """Plan one visit to a pupil (包人). A teacher plans their own (they always take part); the
    school's leaders and administrators may plan it for others, and within one of their plans."""
    pupil = pupil_list_for_user(user=user).filter(pk=pupil_id).select_related("school").first()
    if pupil is None:
        raise CaseInvalid(_("No such pupil."), errors={"pupil": [_("No such pupil.")]})
    roles = _staff_or_refuse(user, pupil.school_id)
    planner = bool(roles & set(access.PLANNER_ROLES))
    errors: dict[str, list[str]] = {}
    if kind not in VisitKind.values:
        errors["kind"] = [_("Choose general, targeted or follow_up.")]
    wanted = list(participant_ids)
    if not planner or not wanted:
        wanted = [user.pk, *wanted]
    participants: list[int] = []
    try:
        participants = _clean_participants(pupil.school_id, wanted)
    except CaseInvalid as exc:
        errors.update(exc.errors)
    if plan_id is not None:
        if not planner:
            raise CasePermissionDenied(_("Only the school's leaders and administrators plan its visits."))
        if not VisitPlan.objects.filter(pk=plan_id, school_id=pupil.school_id).exists():
            errors["plan"] = [_("No such visit plan.")]
    if errors:
        raise CaseInvalid(_("The visit cannot be planned."), errors=errors)
    with transaction.atomic():
        visit = HomeVisit(school_id=pupil.school_id, pupil=pupil, plan_id=plan_id, kind=kind, planned_by=user)
        visit.full_clean()
        visit.save()
        VisitParticipant.objects.bulk_create(
            [VisitParticipant(visit=visit, user_id=uid) for uid in participants]
        )
        _audit_visit(
            "visit.plan",
            user,
            visit,
            {"new": {"plan": plan_id, "pupil": pupil.pk, "kind": kind, "participants": participants}},
            context,
        )
    return visit


def visit_appoint(
    *,
    user: User,
    visit_id: int,
    scheduled_for: datetime.datetime,
    method: str,
    guardian_id: int | None = None,
    with_name: str = "",
    agreed_at: datetime.datetime | None = None,
    note: str = "",
    context: AuditContext | None = None,
) -> HomeVisit:
    """Record (or move) the appointment agreed with the guardians, until the visit is recorded."""
    with transaction.atomic():
        case, visit = _locked_case_and_visit(visit_id=visit_id, user=user)
        _require_visit_writer(visit, user)
        _require_open_case(case)
        if visit.is_recorded:
            raise CaseConflict(_("The visit is already recorded."), code="visit_recorded")
        values = _appointment_values(
            visit,
            scheduled_for=scheduled_for,
            method=method,
            guardian_id=guardian_id,
            with_name=with_name,
            agreed_at=agreed_at,
            note=note,
        )
        old = {name: getattr(visit, name) for name in values}
        for name, value in values.items():
            setattr(visit, name, value)
        visit.scheduled_by = user
        visit.full_clean()
        visit.save(update_fields=[*values, "scheduled_by"])
        if case is not None:
            Case.objects.filter(pk=case.pk).update(updated_at=timezone.now())
        _audit_visit("visit.appoint", user, visit, {"old": _jsonable(old), "new": _jsonable(values)}, context)
    return visit


def visit_gift_report(
    *,
    user: User,
    visit_id: int,
    what: str,
    offered_on: datetime.date,
    outcome: str,
    note: str = "",
    context: AuditContext | None = None,
) -> VisitGiftReport:
    """A participant reports a gift or banquet offered on the visit and refused or returned."""
    what, note = (what or "").strip()[:255], (note or "").strip()[:4000]
    errors: dict[str, list[str]] = {}
    if not what:
        errors["what"] = [_("Say what was offered.")]
    if not isinstance(offered_on, datetime.date):
        errors["offered_on"] = [_("Give the day it was offered.")]
    elif offered_on > timezone.localdate():
        errors["offered_on"] = [_("That day lies in the future.")]
    if outcome not in VisitGiftReport.Outcome.values:
        errors["outcome"] = [_("Say whether it was refused or returned.")]
    if errors:
        raise CaseInvalid(_("The report is incomplete."), errors=errors)
    with transaction.atomic():
        _case, visit = _locked_case_and_visit(visit_id=visit_id, user=user)
        _require_visit_writer(visit, user)
        report = VisitGiftReport(
            visit=visit, what=what, offered_on=offered_on, outcome=outcome, note=note, reported_by=user
        )
        report.full_clean()
        report.save()
        audit_record(
            action="visit.gift_reported",
            actor=user,
            target=report,
            case_id=visit.case_id,
            school_id=visit.school_id,
            detail={
                "visit": visit.pk,
                "new": {"what": what, "offered_on": offered_on.isoformat(), "outcome": outcome, "note": note},
            },
            context=context,
        )
    return report


def visit_follow_up(
    *,
    user: User,
    visit_id: int,
    participant_ids: Iterable[int] = (),
    context: AuditContext | None = None,
) -> HomeVisit:
    """From a recorded visit, plan a follow-up visit (随访) to the same pupil, on the same case."""
    with transaction.atomic():
        case, visit = _locked_case_and_visit(visit_id=visit_id, user=user)
        _require_visit_writer(visit, user)
        _require_open_case(case)
        if not visit.is_recorded:
            raise CaseConflict(_("Record the visit first."), code="visit_not_recorded")
        participants = _clean_participants(visit.school_id, [user.pk, *participant_ids])
        follow_up = HomeVisit(
            school_id=visit.school_id,
            pupil_id=visit.pupil_id,
            case=case,
            follow_up_of=visit,
            kind=VisitKind.FOLLOW_UP,
            planned_by=user,
        )
        follow_up.full_clean()
        follow_up.save()
        VisitParticipant.objects.bulk_create(
            [VisitParticipant(visit=follow_up, user_id=uid) for uid in participants]
        )
        _audit_visit(
            "visit.follow_up",
            user,
            follow_up,
            {"follow_up_of": visit.pk, "new": {"pupil": visit.pupil_id, "participants": participants}},
            context,
        )
    return follow_up


def visit_open_case(
    *,
    user: User,
    visit_id: int,
    categories: Iterable[str],
    summary: str,
    risk_level: str = RiskLevel.MEDIUM,
    context: AuditContext | None = None,
) -> Case:
    """From a recorded visit without a case, a participant or the class teacher opens a case for
    the pupil (they own it); the visit joins the case. One transaction."""
    with transaction.atomic():
        _case, visit = _locked_case_and_visit(visit_id=visit_id, user=user)
        if not access.visit_roles(visit, user) & {access.PARTICIPANT, access.CLASS_TEACHER}:
            raise CasePermissionDenied(_("Only the visit's participants or the class teacher may do this."))
        if visit.case_id is not None:
            raise CaseConflict(_("The visit already belongs to a case."), code="visit_has_case")
        if not visit.is_recorded:
            raise CaseConflict(_("Record the visit first."), code="visit_not_recorded")
        case = case_open(
            user=user,
            pupil_id=visit.pupil_id,
            categories=categories,
            summary=summary,
            risk_level=risk_level,
            context=context,
        )
        visit.case = case
        visit.save(update_fields=["case"])
        _audit_visit("visit.case_opened", user, visit, {"new": {"case": case.pk}}, context)
    return case


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
        case = case_lock(case_id=case_id, user=user)
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
    """Audit-ready values: times as ISO strings, model instances as their ids."""
    result: dict[str, Any] = {}
    for key, value in values.items():
        if isinstance(value, datetime.date):
            value = value.isoformat()
        elif hasattr(value, "pk"):
            value = value.pk
        result[key] = value
    return result
