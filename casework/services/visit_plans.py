"""Visit plans of a school (campaign year or term) and their share-out into visits
(docs/home-visits.md)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from audit.services import AuditContext, audit_record
from casework import access
from casework.models import HomeVisit, VisitKind, VisitParticipant, VisitPlan
from casework.services._common import audit_visit, clean_participants, staff_or_refuse
from core.errors import Forbidden, Invalid, NotFound
from schools.models import Campaign, Classroom, Pupil, School, Term
from schools.selectors import school_list_for_user

if TYPE_CHECKING:
    from accounts.models import User


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
        raise NotFound(_("No such school."))
    if not staff_or_refuse(user, school_id) & set(access.PLANNER_ROLES):
        raise Forbidden(_("Only the school's leaders and administrators plan its visits."))
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
        raise Invalid(_("The visit plan is incomplete."), errors=errors)
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
            raise NotFound(_("No such visit plan."))
        if not staff_or_refuse(user, plan.school_id) & set(access.PLANNER_ROLES):
            raise Forbidden(_("Only the school's leaders and administrators plan its visits."))
        pupils = list(Pupil.objects.filter(pk__in=pupils_wanted, school_id=plan.school_id, is_active=True))
        errors: dict[str, list[str]] = {}
        if not pupils_wanted or len(pupils) != len(pupils_wanted):
            errors["pupils"] = [_("Choose pupils on the roll of the school.")]
        participants: list[int] = []
        try:
            participants = clean_participants(plan.school_id, participant_ids)
        except Invalid as exc:
            errors.update(exc.errors)
        if not participants and "participants" not in errors:
            errors["participants"] = [_("Choose who visits.")]
        if errors:
            raise Invalid(_("The assignment is incomplete."), errors=errors)
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
            audit_visit(
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
