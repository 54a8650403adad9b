"""Writes on parents' opinions. Each service runs in one transaction, checks who may act, and audits."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition

from audit.services import AuditContext, audit_record
from casework import access as case_access
from casework.models import HomeVisit
from core.errors import Conflict, Forbidden, Invalid, NotFound
from core.fsm import fsm_fire
from core.text import clean_text
from opinions import access, rules
from opinions.models import ParentOpinion
from opinions.selectors import opinion_refusal
from schools.models import Membership, Pupil, School
from workflows.models import NotificationKind
from workflows.notify import leaders_of_school, notify, staff_of_school, who

if TYPE_CHECKING:
    from accounts.models import User

MAX_TEXT = 4000

# The fields each transition takes from the form; anything else is refused.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "study": (),
    "plan_rectification": ("plan",),
    "complete": ("answer", "answered_to_parents_on"),
}


def _check_subject(
    *, school_id: int, about: str, about_teacher_id: int | None, text: str
) -> dict[str, list[str]]:
    """Field errors of an opinion's subject and text (empty when it is complete)."""
    errors: dict[str, list[str]] = {}
    if not text:
        errors["text"] = [_("Write the parents' opinion.")]
    elif len(text) > MAX_TEXT:
        errors["text"] = [_("At most %(max)s characters.") % {"max": MAX_TEXT}]
    if about not in ParentOpinion.About.values:
        errors["about"] = [_("Say what the opinion is about.")]
    if about == ParentOpinion.About.TEACHER:
        if about_teacher_id is None:
            errors["about_teacher"] = [_("Choose the teacher concerned.")]
        elif not Membership.objects.filter(
            user_id=about_teacher_id, school_id=school_id, is_active=True
        ).exists():
            errors["about_teacher"] = [_("Choose a member of the school's staff.")]
    elif about_teacher_id is not None:
        errors["about_teacher"] = [_("Name a teacher only for an opinion about a teacher.")]
    return errors


def opinion_receive(
    *,
    user: User,
    school_id: int,
    channel: str,
    raised_on: datetime.date,
    about: str,
    text: str,
    pupil_id: int | None = None,
    guardian_name: str = "",
    about_teacher_id: int | None = None,
    context: AuditContext | None = None,
) -> ParentOpinion:
    """Record an opinion the school received another way than on a home visit (phone, letter, ...).

    The school's teachers, school administrators and leaders may do it; the pupil is optional
    (an opinion may concern the school in general). It is routed to the leadership like any other.
    """
    if school_id not in access.receiving_school_ids(user):
        # Staff of the school in another role, and the bureau's inspectors (read-only), get 403.
        if not Membership.objects.filter(user=user, school_id=school_id, is_active=True).exists() and not (
            School.objects.filter(pk=school_id, bureau_id__in=access.inspected_bureaus(user)).exists()
        ):
            raise NotFound(_("No such school."))
        raise Forbidden(_("Only the school's teachers, administrators and leaders may record an opinion."))
    text = clean_text(text)
    errors = _check_subject(school_id=school_id, about=about, about_teacher_id=about_teacher_id, text=text)
    if channel == ParentOpinion.Channel.VISIT or channel not in ParentOpinion.Channel.values:
        errors["channel"] = [
            _("Say how the opinion was received; opinions from a visit are raised on the visit.")
        ]
    if not isinstance(raised_on, datetime.date):
        errors["raised_on"] = [_("Give a date.")]
    elif raised_on > timezone.localdate():
        errors["raised_on"] = [_("The opinion cannot have been received in the future.")]
    if pupil_id is not None and not Pupil.objects.filter(pk=pupil_id, school_id=school_id).exists():
        errors["pupil"] = [_("Choose a pupil of the school.")]
    if errors:
        raise Invalid(_("The opinion is incomplete."), errors=errors)
    with transaction.atomic():
        opinion = ParentOpinion(
            school_id=school_id,
            channel=channel,
            pupil_id=pupil_id,
            raised_on=raised_on,
            raised_by=user,
            guardian_name=clean_text(guardian_name)[:100],
            about=about,
            about_teacher_id=about_teacher_id if about == ParentOpinion.About.TEACHER else None,
            text=text,
        )
        opinion.full_clean(exclude=["state"])
        opinion.save()
        audit_record(
            action="opinion.received",
            actor=user,
            target=opinion,
            school_id=school_id,
            # As for opinion.raised: no text and no names, they may name people.
            detail={
                "channel": channel,
                "pupil": pupil_id,
                "new": {"state": opinion.state, "about": about, "about_teacher": opinion.about_teacher_id},
            },
            context=context,
        )
        _notify_received(opinion, user)
    return opinion


def opinion_raise(
    *,
    user: User,
    visit_id: int,
    about: str,
    text: str,
    guardian_name: str = "",
    about_teacher_id: int | None = None,
    context: AuditContext | None = None,
) -> ParentOpinion:
    """Route a parents' opinion heard on a recorded visit to the school's leadership.

    The visit's recorder or a worker of the case may do it; a visit may give several opinions.
    """
    with transaction.atomic():
        # Lock the visit so a record correction and a routing do not interleave.
        visit = (
            HomeVisit.objects.select_for_update(of=("self",))
            .select_related("school__bureau", "pupil__classroom", "case__school", "case__pupil__classroom")
            .filter(pk=visit_id)
            .first()
        )
        # A visit may have no case: its own rules say who sees it and who took part.
        if visit is None or not case_access.visit_roles(visit, user):
            raise NotFound(_("No such visit."))
        if visit.recorded_by_id != user.pk and not case_access.may_write_visit(visit, user):
            raise Forbidden(_("Only the visit's recorder or the case's teachers may do this."))
        if not visit.is_recorded:
            raise Conflict(_("Record the visit first."), code="visit_not_recorded")
        text = clean_text(text)
        errors = _check_subject(
            school_id=visit.school_id, about=about, about_teacher_id=about_teacher_id, text=text
        )
        if errors:
            raise Invalid(_("The opinion is incomplete."), errors=errors)
        opinion = ParentOpinion(
            school_id=visit.school_id,
            case_id=visit.case_id,
            visit=visit,
            channel=ParentOpinion.Channel.VISIT,
            pupil_id=visit.pupil_id,
            raised_on=timezone.localdate(visit.visited_at),
            raised_by=user,
            guardian_name=clean_text(guardian_name)[:100],
            about=about,
            about_teacher_id=about_teacher_id if about == ParentOpinion.About.TEACHER else None,
            text=text,
        )
        opinion.full_clean(exclude=["state"])
        opinion.save()
        audit_record(
            action="opinion.raised",
            actor=user,
            target=opinion,
            case_id=visit.case_id,
            school_id=visit.school_id,
            # The opinion's text stays out of the trail: it may name people.
            detail={
                "visit": visit.pk,
                "new": {"state": opinion.state, "about": about, "about_teacher": opinion.about_teacher_id},
            },
            context=context,
        )
        _notify_received(opinion, user)
    return opinion


def _fire(opinion: ParentOpinion, name: str, user: User) -> str:
    """Check and fire the transition: 403 wrong person, 409 wrong state, 400 unmet condition."""
    return fsm_fire(
        opinion,
        name,
        user,
        conditions=rules.MESSAGES,
        forbidden=_("Only the school's principal or vice principals may do this."),
        conflict=_("This cannot be done while the opinion is “%(state)s”.")
        % {"state": opinion.get_state_display()},
    )


def opinion_transition(
    *,
    user: User,
    opinion_id: int,
    name: str,
    data: dict[str, Any] | None = None,
    context: AuditContext | None = None,
) -> ParentOpinion:
    """Move the opinion one step (``study``, ``plan_rectification``, ``complete``) with its fields."""
    data = data or {}
    if name not in TRANSITIONS:
        raise NotFound(_("No such step."))
    unknown = sorted(set(data) - set(TRANSITIONS[name]))
    if unknown:
        raise Invalid(
            _("Unknown fields."),
            errors={field: [_("This field cannot be changed here.")] for field in unknown},
        )
    with transaction.atomic():
        opinion = (
            ParentOpinion.objects.select_for_update(of=("self",))
            .filter(access.visible_q(user), pk=opinion_id)
            .first()
        )
        if opinion is None:
            raise NotFound(_("No such opinion."), refusal=opinion_refusal(opinion_id))
        fields = TRANSITIONS[name]
        old = {field: getattr(opinion, field) for field in fields}
        for field in fields:
            value = data.get(field)
            if field == "answered_to_parents_on":
                if value is not None and not isinstance(value, datetime.date):
                    raise Invalid(_("Give a date."), errors={field: [_("Give a date.")]})
                if value is not None and value > timezone.localdate():
                    raise Invalid(
                        _("The parents cannot have been told in the future."),
                        errors={field: [_("The parents cannot have been told in the future.")]},
                    )
                if value is not None and value < opinion.raised_on:
                    raise Invalid(
                        _("The parents cannot have been told before they spoke."),
                        errors={field: [_("The parents cannot have been told before they spoke.")]},
                    )
                opinion.answered_to_parents_on = value
            else:
                if len(clean_text(value)) > MAX_TEXT:  # never cut what the school wrote: say so
                    message = _("At most %(max)s characters.") % {"max": MAX_TEXT}
                    raise Invalid(message, errors={field: [message]})
                setattr(opinion, field, clean_text(value))
        source = _fire(opinion, name, user)
        opinion.full_clean(exclude=["state"])
        try:
            opinion.save(update_fields=["state", *fields, "handled_by", "updated_at"])
        except ConcurrentTransition as exc:
            raise Conflict(_("Someone else changed this at the same time."), code="concurrent") from exc
        new = {field: getattr(opinion, field) for field in fields}
        if "answered_to_parents_on" in fields:
            for values in (old, new):
                day = values["answered_to_parents_on"]
                values["answered_to_parents_on"] = day.isoformat() if day else None
        audit_record(
            action=f"opinion.{name}",
            actor=user,
            target=opinion,
            case_id=opinion.case_id,
            school_id=opinion.school_id,
            detail={"old": {"state": source, **old}, "new": {"state": opinion.state, **new}},
            context=context,
        )
        if name == "complete":
            _notify_answered(opinion, user)
    return opinion


def _notify_received(opinion: ParentOpinion, user: User) -> None:
    """The school's principal and vice principals, who answer opinions, are told (not the one who
    recorded it). No text, no names of the family: the page shows them to those who may see."""
    _notify(
        opinion,
        user,
        kind=NotificationKind.OPINION_RECEIVED,
        recipients=leaders_of_school(school_id=opinion.school_id),
    )


def _notify_answered(opinion: ParentOpinion, user: User) -> None:
    """The member of staff who recorded the opinion hears that it was answered, while they still
    work at the school and may read it (never the teacher an opinion is about)."""
    recipients = staff_of_school(school_id=opinion.school_id).filter(pk=opinion.raised_by_id)
    if opinion.about_teacher_id:
        recipients = recipients.exclude(pk=opinion.about_teacher_id)
    _notify(opinion, user, kind=NotificationKind.OPINION_ANSWERED, recipients=recipients)


def _notify(opinion: ParentOpinion, user: User, *, kind: str, recipients: QuerySet[User]) -> None:
    """One event of the opinion (its kind names it), once per person, linking to the opinion."""
    notify(
        kind=kind,
        event=f"opinion:{opinion.pk}:{kind.removeprefix('opinion_')}",
        recipients=recipients,
        school_id=opinion.school_id,
        url=reverse("opinions:opinion_detail", args=[opinion.pk]),
        params={"opinion": opinion.pk, "who": who(user)},
        actor=user,
    )
