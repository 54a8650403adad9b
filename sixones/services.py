"""Writes of the six-ones records. Each service runs in one transaction, checks who may act,
calls full_clean() and writes its audit event in the same transaction."""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import AuditContext, audit_record
from casework import access as case_access
from casework.models import Case, HomeVisit
from core.errors import Conflict, Forbidden, Invalid, NotFound
from core.text import clean_text
from schools.calendar import campaign_for
from schools.models import Campaign, Membership, Pupil, School
from sixones import access
from sixones.handbook import handbook_pdf, handbook_visits
from sixones.models import ActOfHelp, Handbook, ParentsMeeting, VisitEssay

if TYPE_CHECKING:
    from accounts.models import User

MAX_TEXT = 8000


def _text(value: Any, limit: int = MAX_TEXT) -> str:
    return clean_text(value)[:limit]


def _invalid(errors: dict[str, list[str]]) -> Invalid:
    return Invalid(next(iter(errors.values()))[0], errors=errors)


def _clean(obj: Any, **kwargs: Any) -> None:
    try:
        obj.full_clean(**kwargs)
    except ValidationError as exc:
        raise _invalid(
            {name: [str(m) for m in messages] for name, messages in exc.message_dict.items()}
        ) from exc


def _writer_school(*, user: User, school_id: int | None) -> School:
    """The school the user records for: one where they are active staff. Inspectors never write."""
    s = access.scope(user)
    if school_id is None and len(s.member) == 1:
        school_id = next(iter(s.member))
    if school_id is None or school_id not in s.member:
        if s.bureaus and not s.member:
            raise Forbidden(_("Inspectors read the six ones; they do not record them."))
        raise _invalid({"school": [_("Choose a school where you work.")]})
    return School.objects.get(pk=school_id)


def _campaign_on(*, school: School, day: Any, field: str) -> Campaign:
    if not isinstance(day, datetime.date):
        raise _invalid({field: [_("Give a date.")]})
    if day > timezone.localdate():
        raise _invalid({field: [_("The date lies in the future.")]})
    campaign = campaign_for(bureau_id=school.bureau_id, on=day)
    if campaign is None:
        raise _invalid({field: [_("No campaign year of the bureau covers this date.")]})
    return campaign


def essay_create(
    *,
    user: User,
    title: str,
    body: str,
    written_on: datetime.date | None = None,
    visit_id: int | None = None,
    school_id: int | None = None,
    context: AuditContext | None = None,
) -> VisitEssay:
    """A visit essay by the user; it counts for the campaign year of ``written_on`` (default today)."""
    written_on = written_on or timezone.localdate()
    with transaction.atomic():
        school = _writer_school(user=user, school_id=school_id)
        campaign = _campaign_on(school=school, day=written_on, field="written_on")
        visit = None
        if visit_id is not None:
            visit = HomeVisit.objects.filter(pk=visit_id).first()
            # Only a visit the author recorded: an essay reflects on one's own visit.
            if visit is None or visit.recorded_by_id != user.pk or visit.school_id != school.pk:
                raise _invalid({"visit": [_("Choose a home visit you recorded.")]})
        essay = VisitEssay(
            school=school,
            campaign=campaign,
            author=user,
            title=_text(title, 120),
            body=_text(body),
            visit=visit,
            written_on=written_on,
        )
        _clean(essay)
        essay.save()
        audit_record(
            action="sixones.essay_written",
            actor=user,
            target=essay,
            school_id=school.pk,
            case_id=visit.case_id if visit else None,
            detail={"campaign": campaign.year, "visit": visit.pk if visit else None},
            context=context,
        )
    return essay


def essay_mark_exemplary(
    *, user: User, essay_id: int, exemplary: bool, context: AuditContext | None = None
) -> VisitEssay:
    """A principal or vice principal of the essay's school marks it exemplary (or unmarks it)."""
    with transaction.atomic():
        essay = (
            VisitEssay.objects.select_for_update(of=("self",))
            .filter(access.essay_visible_q(user), pk=essay_id)
            .first()
        )
        if essay is None:
            raise NotFound(_("No such essay."))
        if essay.school_id not in access.scope(user).led:
            raise Forbidden(_("Only the school's principal or vice principals may do this."))
        old = essay.exemplary
        if old == exemplary:
            return essay
        essay.exemplary = exemplary
        essay.exemplary_by = user if exemplary else None
        essay.exemplary_at = timezone.now() if exemplary else None
        _clean(essay)
        essay.save(update_fields=["exemplary", "exemplary_by", "exemplary_at"])
        audit_record(
            action="sixones.essay_exemplary" if exemplary else "sixones.essay_exemplary_withdrawn",
            actor=user,
            target=essay,
            school_id=essay.school_id,
            detail={"old": {"exemplary": old}, "new": {"exemplary": exemplary}},
            context=context,
        )
    return essay


def meeting_record(
    *,
    user: User,
    held_on: datetime.date,
    topic: str,
    organiser_ids: Iterable[int],
    attendees: str,
    attendee_count: int,
    minutes: str,
    school_id: int | None = None,
    context: AuditContext | None = None,
) -> ParentsMeeting:
    """Record a parents' meeting; it counts for each organiser (teachers of the school)."""
    with transaction.atomic():
        school = _writer_school(user=user, school_id=school_id)
        campaign = _campaign_on(school=school, day=held_on, field="held_on")
        wanted = sorted(set(organiser_ids))
        staff = set(
            Membership.objects.filter(
                school=school, is_active=True, user_id__in=wanted, user__is_active=True
            ).values_list("user_id", flat=True)
        )
        if not wanted or staff != set(wanted):
            raise _invalid({"organisers": [_("Choose one or more members of the school's staff.")]})
        meeting = ParentsMeeting(
            school=school,
            campaign=campaign,
            held_on=held_on,
            topic=_text(topic, 120),
            attendees=_text(attendees),
            attendee_count=attendee_count,
            minutes=_text(minutes),
            recorded_by=user,
        )
        _clean(meeting)
        meeting.save()
        meeting.organisers.set(wanted)
        audit_record(
            action="sixones.meeting_recorded",
            actor=user,
            target=meeting,
            school_id=school.pk,
            detail={"campaign": campaign.year, "held_on": held_on.isoformat(), "organisers": wanted},
            context=context,
        )
    return meeting


def act_record(
    *,
    user: User,
    done_on: datetime.date,
    what: str,
    pupil_id: int | None = None,
    case_id: int | None = None,
    context: AuditContext | None = None,
) -> ActOfHelp:
    """Record an act of help by the user for a pupil of their school, or within a case they see."""
    with transaction.atomic():
        case = None
        if case_id is not None:
            case = Case.objects.select_related("pupil__classroom", "school").filter(pk=case_id).first()
            # The case's paired teacher, class teacher or school leaders: those who help the family.
            if case is None or not case_access.case_roles(case, user) & case_access.REVIEWERS:
                raise _invalid({"case": [_("Choose a case you work on.")]})
            if pupil_id is not None and pupil_id != case.pupil_id:
                raise _invalid({"pupil": [_("The pupil is not the case's pupil.")]})
            pupil = case.pupil
        else:
            found = Pupil.objects.filter(pk=pupil_id).first() if pupil_id is not None else None
            if found is None or found.school_id not in access.scope(user).member:
                raise _invalid({"pupil": [_("Choose a pupil of your school.")]})
            pupil = found
        school = _writer_school(user=user, school_id=pupil.school_id)
        campaign = _campaign_on(school=school, day=done_on, field="done_on")
        act = ActOfHelp(
            school=school,
            campaign=campaign,
            teacher=user,
            pupil=pupil,
            case=case,
            done_on=done_on,
            what=_text(what),
        )
        _clean(act)
        act.save()
        audit_record(
            action="sixones.act_recorded",
            actor=user,
            target=act,
            school_id=school.pk,
            case_id=case.pk if case else None,
            detail={"campaign": campaign.year, "done_on": done_on.isoformat(), "pupil": pupil.pk},
            context=context,
        )
    return act


def handbook_compile(
    *, user: User, campaign_id: int, school_id: int | None = None, context: AuditContext | None = None
) -> Handbook:
    """Compile (or compile again) the user's handbook for the campaign year from their visits."""
    from accounts.models import User as UserModel

    with transaction.atomic():
        # The teacher's row serialises two compilations of the same handbook (double click).
        UserModel.objects.select_for_update().filter(pk=user.pk).first()
        school = _writer_school(user=user, school_id=school_id)
        campaign = Campaign.objects.filter(pk=campaign_id, bureau_id=school.bureau_id).first()
        if campaign is None:
            raise NotFound(_("No such campaign year."))
        visits = list(handbook_visits(teacher=user, campaign=campaign))
        if not visits:
            raise Conflict(
                _("Record a home visit of this campaign year first: the handbook is made from your visits."),
                code="no_visits",
            )
        pdf = handbook_pdf(teacher=user, school=school, campaign=campaign, visits=visits)
        handbook = Handbook.objects.select_for_update().filter(teacher=user, campaign=campaign).first()
        created = handbook is None
        if handbook is None:
            handbook = Handbook(teacher=user, campaign=campaign)
        handbook.school = school
        handbook.visit_count = len(visits)
        handbook.pdf = pdf
        handbook.sha256 = hashlib.sha256(pdf).hexdigest()
        handbook.compiled_at = timezone.now()
        _clean(handbook)
        handbook.save()
        audit_record(
            action="sixones.handbook_compiled",
            actor=user,
            target=handbook,
            school_id=school.pk,
            detail={
                "campaign": campaign.year,
                "visits": [v.pk for v in visits],
                "sha256": handbook.sha256,
                "first": created,
            },
            context=context,
        )
    return handbook


def handbook_download(*, user: User, handbook_id: int, context: AuditContext | None = None) -> Handbook:
    """The handbook with its PDF, for a reader; each download is audited (it names pupils)."""
    with transaction.atomic():
        handbook = (
            Handbook.objects.filter(access.handbook_visible_q(user), pk=handbook_id)
            .select_related("campaign", "teacher", "school")
            .first()
        )
        if handbook is None:
            raise NotFound(_("No such handbook."))
        audit_record(
            action="sixones.handbook_downloaded",
            actor=user,
            target=handbook,
            school_id=handbook.school_id,
            detail={
                "teacher": handbook.teacher_id,
                "campaign": handbook.campaign.year,
                "sha256": handbook.sha256,
            },
            context=context,
        )
    return handbook
