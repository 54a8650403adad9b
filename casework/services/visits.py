"""Home visits, on a case or without one: planning one, the appointment with the guardians, the
record, gifts refused, follow-ups, and opening a case from a visit (docs/home-visits.md)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import AuditContext, audit_record
from casework import access, rules
from casework.models import (
    Case,
    HomeVisit,
    RiskLevel,
    State,
    VisitGiftReport,
    VisitKind,
    VisitParticipant,
    VisitPlan,
)
from casework.services._common import audit_visit, clean_participants, staff_or_refuse
from casework.services.cases import case_lock, case_open
from core.errors import Conflict, Forbidden, Invalid, NotFound
from schools.models import Guardian
from schools.selectors import pupil_list_for_user

# No appointment (nor its agreement) lies before this: an older date is a typo, and the API could
# not give it back as RFC 3339 (before 1901 Asia/Shanghai's offset has seconds: +08:05:43).
EARLIEST_APPOINTMENT = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)

if TYPE_CHECKING:
    from accounts.models import User


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
    require_who: bool = False,
    context: AuditContext | None = None,
) -> HomeVisit:
    """A case's worker plans a visit to the case's pupil and records the appointment agreed with
    the guardians in one step. It may lie in the past (written up later). The API may leave out
    who agreed (``require_who``); the case page, like a visit's page, asks for it."""
    if kind not in HomeVisit.Kind.values:
        raise Invalid(
            _("The appointment is incomplete."),
            errors={"kind": [_("Choose general, targeted or follow_up.")]},
        )
    with transaction.atomic():
        case = case_lock(case_id=case_id, user=user)
        rules.require_case_worker(case, user)
        if case.state == State.CLOSED:
            raise Conflict(_("The case is closed."), code="invalid_state")
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
            require_who=require_who,
        )
        for name, value in appointment.items():
            setattr(visit, name, value)
        visit.full_clean()
        visit.save()
        VisitParticipant.objects.create(visit=visit, user=user)
        Case.objects.filter(pk=case.pk).update(updated_at=timezone.now())
        audit_visit("visit.schedule", user, visit, {"new": {"kind": kind, **_jsonable(appointment)}}, context)
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
        raise Invalid(
            _("Unknown fields."), errors={name: [_("This field cannot be changed here.")] for name in unknown}
        )
    with transaction.atomic():
        case, visit = _locked_case_and_visit(visit_id=visit_id, user=user, case_id=case_id)
        _require_visit_writer(visit, user)
        _require_open_case(case)
        if visit.scheduled_for is None:
            raise Conflict(
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
            raise Invalid(_("The visit record is incomplete."), errors=errors)
        visit.recorded_by = user
        visit.recorded_at = now
        visit.full_clean()
        visit.save(update_fields=[*data.keys(), "recorded_by", "recorded_at"])
        # Whoever writes the record was there: they take part in the visit from now on.
        VisitParticipant.objects.get_or_create(visit=visit, user=user)
        if case is not None:
            Case.objects.filter(pk=case.pk).update(updated_at=now)
        audit_visit(
            "visit.record",
            user,
            visit,
            {"old": _jsonable(old), "new": _jsonable({name: getattr(visit, name) for name in data})},
            context,
        )
    return visit


def _locked_case_and_visit(
    *, visit_id: int, user: User, case_id: int | None = None
) -> tuple[Case | None, HomeVisit]:
    """Lock the visit's case (first, as every case service does: no deadlock) and the visit."""
    current_case_id = HomeVisit.objects.filter(pk=visit_id).values_list("case_id", flat=True).first()
    case = None
    if case_id is not None:
        case = case_lock(case_id=case_id, user=user)
        if current_case_id != case.pk:
            raise NotFound(_("No such visit."))
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
    if visit is None or visit.case_id != (case.pk if case else None):
        raise NotFound(_("No such visit."))
    if not access.visit_roles(visit, user):
        raise NotFound(_("No such visit."), refusal=access.visit_refusal(visit))
    return case, visit


def _require_visit_writer(visit: HomeVisit, user: User) -> None:
    if not access.may_write_visit(visit, user):
        raise Forbidden(_("Only the visit's participants may do this."))


def _require_open_case(case: Case | None) -> None:
    if case is not None and case.state == State.CLOSED:
        raise Conflict(_("The case is closed."), code="invalid_state")


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
        raise Invalid(_("The appointment is incomplete."), errors=errors)
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
        raise Invalid(_("No such pupil."), errors={"pupil": [_("No such pupil.")]})
    roles = staff_or_refuse(user, pupil.school_id)
    planner = bool(roles & set(access.PLANNER_ROLES))
    errors: dict[str, list[str]] = {}
    if kind not in VisitKind.values:
        errors["kind"] = [_("Choose general, targeted or follow_up.")]
    wanted = list(participant_ids)
    if not planner or not wanted:
        wanted = [user.pk, *wanted]
    participants: list[int] = []
    try:
        participants = clean_participants(pupil.school_id, wanted)
    except Invalid as exc:
        errors.update(exc.errors)
    if plan_id is not None:
        if not planner:
            raise Forbidden(_("Only the school's leaders and administrators plan its visits."))
        if not VisitPlan.objects.filter(pk=plan_id, school_id=pupil.school_id).exists():
            errors["plan"] = [_("No such visit plan.")]
    if errors:
        raise Invalid(_("The visit cannot be planned."), errors=errors)
    with transaction.atomic():
        visit = HomeVisit(school_id=pupil.school_id, pupil=pupil, plan_id=plan_id, kind=kind, planned_by=user)
        visit.full_clean()
        visit.save()
        VisitParticipant.objects.bulk_create(
            [VisitParticipant(visit=visit, user_id=uid) for uid in participants]
        )
        audit_visit(
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
            raise Conflict(_("The visit is already recorded."), code="visit_recorded")
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
        audit_visit("visit.appoint", user, visit, {"old": _jsonable(old), "new": _jsonable(values)}, context)
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
        raise Invalid(_("The report is incomplete."), errors=errors)
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
            raise Conflict(_("Record the visit first."), code="visit_not_recorded")
        participants = clean_participants(visit.school_id, [user.pk, *participant_ids])
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
        audit_visit(
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
            raise Forbidden(_("Only the visit's participants or the class teacher may do this."))
        if visit.case_id is not None:
            raise Conflict(_("The visit already belongs to a case."), code="visit_has_case")
        if not visit.is_recorded:
            raise Conflict(_("Record the visit first."), code="visit_not_recorded")
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
        audit_visit("visit.case_opened", user, visit, {"new": {"case": case.pk}}, context)
    return case


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
