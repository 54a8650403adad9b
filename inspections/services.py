"""Writes on inspections, rectifications and notices. Each service runs in one transaction,
checks who may act (404 unseen, 403 wrong role, 409 wrong state, 400 bad input), locks the row
it changes, and writes one audit event into the school's chain."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition

from audit.services import AuditContext, audit_record
from core.errors import Conflict, Forbidden, Invalid, NotFound
from core.services import model_update
from core.text import clean_text
from inspections import access, rules
from inspections.models import (
    ChecklistItem,
    ChecklistResult,
    Finding,
    Inspection,
    InspectionChecklistResult,
    Notice,
    Rating,
    Rectification,
)
from inspections.selectors import bureau_inspectors
from schools.models import School
from schools.selectors import school_staff

if TYPE_CHECKING:
    from accounts.models import User

MAX_TEXT = 10000


def _require_inspector_somewhere(user: User) -> None:
    if not access.scope_for(user).is_inspector:
        raise Forbidden(_("Only the bureau's inspectors may do this."))


def _school_for_inspector(*, user: User, school_id: int | None) -> School:
    school = School.objects.filter(pk=school_id).first() if school_id else None
    if school is None or school.bureau_id not in access.scope_for(user).bureaus:
        raise Invalid(
            _("Choose a school of your bureau."), errors={"school": [_("Not a school you inspect.")]}
        )
    return school


def _check_inspectors(*, bureau_id: int, ids: Iterable[int], errors: dict[str, list[str]]) -> list[int]:
    wanted = sorted(set(ids))
    valid = set(bureau_inspectors(bureau_ids=[bureau_id]).filter(pk__in=wanted).values_list("pk", flat=True))
    if set(wanted) - valid:
        errors["inspectors"] = [_("Every inspector must be an active inspector of the school's bureau.")]
    return wanted


def _check_date(value: datetime.date | None, name: str, errors: dict[str, list[str]]) -> None:
    if value is None:
        errors[name] = [_("Give the date.")]
    elif value > timezone.localdate():
        errors[name] = [_("The date lies in the future.")]


# --- inspections -------------------------------------------------------------------------------


def inspection_create(
    *,
    user: User,
    school_id: int,
    inspected_on: datetime.date,
    inspector_ids: Iterable[int] = (),
    context: AuditContext | None = None,
) -> Inspection:
    """An inspector starts a draft inspection of a school of their bureau; they lead it."""
    _require_inspector_somewhere(user)
    school = _school_for_inspector(user=user, school_id=school_id)
    errors: dict[str, list[str]] = {}
    _check_date(inspected_on, "inspected_on", errors)
    inspectors = _check_inspectors(bureau_id=school.bureau_id, ids=[user.pk, *inspector_ids], errors=errors)
    if errors:
        raise Invalid(_("The inspection cannot be started."), errors=errors)
    with transaction.atomic():
        inspection = Inspection(
            bureau_id=school.bureau_id, school=school, inspected_on=inspected_on, created_by=user
        )
        inspection.full_clean(exclude=["state"])
        inspection.save()
        inspection.inspectors.set(inspectors)
        items = list(ChecklistItem.objects.filter(active=True).order_by("order", "code"))
        InspectionChecklistResult.objects.bulk_create(
            [InspectionChecklistResult(inspection=inspection, item=item) for item in items]
        )
        audit_record(
            action="inspection.created",
            actor=user,
            target=inspection,
            school_id=school.pk,
            detail={
                "new": {
                    "school": school.pk,
                    "inspected_on": inspected_on.isoformat(),
                    "inspectors": inspectors,
                    "state": inspection.state,
                }
            },
            context=context,
        )
    return inspection


def _locked_inspection(*, user: User, inspection_id: int) -> tuple[Inspection, frozenset[str]]:
    inspection = (
        Inspection.objects.select_for_update(of=("self",))
        .select_related("school")
        .filter(pk=inspection_id)
        .first()
    )
    if inspection is None:
        raise NotFound(_("No such inspection."))
    roles = access.school_roles(user=user, bureau_id=inspection.bureau_id, school_id=inspection.school_id)
    if access.INSPECTOR not in roles:
        if roles and inspection.state == Inspection.State.SUBMITTED:
            raise Forbidden(_("Only the bureau's inspectors may change an inspection."))
        raise NotFound(_("No such inspection."))
    return inspection, roles


def _require_draft(inspection: Inspection) -> None:
    if inspection.state != Inspection.State.DRAFT:
        raise Conflict(_("The inspection is submitted and can no longer be changed."), code="invalid_state")


@dataclass(frozen=True)
class ChecklistEntry:
    item_id: int
    result: str
    note: str = ""


def inspection_update(
    *,
    user: User,
    inspection_id: int,
    inspected_on: datetime.date | None = None,
    inspector_ids: Iterable[int] | None = None,
    checklist: Iterable[ChecklistEntry] | None = None,
    sampled_case_ids: Iterable[int] | None = None,
    family_pupil_ids: Iterable[int] | None = None,
    summary: str | None = None,
    rating: str | None = None,
    context: AuditContext | None = None,
) -> Inspection:
    """Change a draft inspection; arguments left as None stay as they are."""
    with transaction.atomic():
        inspection, _roles = _locked_inspection(user=user, inspection_id=inspection_id)
        _require_draft(inspection)
        errors: dict[str, list[str]] = {}
        values = _inspection_values(inspected_on=inspected_on, summary=summary, rating=rating, errors=errors)
        relations = _inspection_relations(
            inspection,
            inspector_ids=inspector_ids,
            sampled_case_ids=sampled_case_ids,
            family_pupil_ids=family_pupil_ids,
            errors=errors,
        )
        rows = _checklist_rows(inspection, checklist, errors)
        if errors:
            raise Invalid(_("The inspection could not be saved."), errors=errors)

        old, new = model_update(inspection, values, clean_exclude=["state"])
        saved = bool(new)  # updated_at was saved with the fields
        for name, (manager, ids) in relations.items():
            before = sorted(manager.values_list("pk", flat=True))
            if before != ids:
                manager.set(ids)
                old[name], new[name] = before, ids
        old_results, new_results = _checklist_update(rows)
        if new_results:
            old["checklist"], new["checklist"] = old_results, new_results
        if new:
            if not saved:
                Inspection.objects.filter(pk=inspection.pk).update(updated_at=timezone.now())
            audit_record(
                action="inspection.updated",
                actor=user,
                target=inspection,
                school_id=inspection.school_id,
                detail={"old": old, "new": new},
                context=context,
            )
    return inspection


def _inspection_values(
    *,
    inspected_on: datetime.date | None,
    summary: str | None,
    rating: str | None,
    errors: dict[str, list[str]],
) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if inspected_on is not None:
        _check_date(inspected_on, "inspected_on", errors)
        values["inspected_on"] = inspected_on
    if summary is not None:
        values["summary"] = clean_text(summary)[:MAX_TEXT]
    if rating is not None:
        if rating and rating not in Rating.values:
            errors["rating"] = [_("Choose one of: %(choices)s.") % {"choices": ", ".join(Rating.values)}]
        values["rating"] = rating
    return values


def _inspection_relations(
    inspection: Inspection,
    *,
    inspector_ids: Iterable[int] | None,
    sampled_case_ids: Iterable[int] | None,
    family_pupil_ids: Iterable[int] | None,
    errors: dict[str, list[str]],
) -> dict[str, tuple[Any, list[int]]]:
    """The related managers to set, each with its new ids (sorted). The lead inspector stays."""
    relations: dict[str, tuple[Any, list[int]]] = {}
    if inspector_ids is not None:
        ids = _check_inspectors(
            bureau_id=inspection.bureau_id, ids=[inspection.created_by_id, *inspector_ids], errors=errors
        )
        relations["inspectors"] = (inspection.inspectors, ids)
    if sampled_case_ids is not None:
        ids = sorted(set(sampled_case_ids))
        if set(ids) - set(inspection.school.cases.filter(pk__in=ids).values_list("pk", flat=True)):
            errors["sampled_cases"] = [_("Every sampled case must be a case of the inspected school.")]
        relations["sampled_cases"] = (inspection.sampled_cases, ids)
    if family_pupil_ids is not None:
        ids = sorted(set(family_pupil_ids))
        if set(ids) - set(inspection.school.pupils.filter(pk__in=ids).values_list("pk", flat=True)):
            errors["families_visited"] = [
                _("Every family visited must be a pupil's of the inspected school.")
            ]
        relations["families_visited"] = (inspection.families_visited, ids)
    return relations


def _checklist_rows(
    inspection: Inspection, checklist: Iterable[ChecklistEntry] | None, errors: dict[str, list[str]]
) -> list[tuple[InspectionChecklistResult, ChecklistEntry]]:
    """Each entry with the inspection's result row it answers (locked)."""
    entries = list(checklist) if checklist is not None else []
    if not entries:
        return []
    results = {r.item_id: r for r in inspection.checklist.select_for_update()}
    for entry in entries:
        if entry.item_id not in results:
            errors["checklist"] = [_("An item is not on this inspection's checklist.")]
        elif entry.result not in ChecklistResult.values:
            errors["checklist"] = [_("Choose met, partly met, not met or not checked.")]
    return [(results[e.item_id], e) for e in entries if e.item_id in results]


def _checklist_update(
    rows: list[tuple[InspectionChecklistResult, ChecklistEntry]],
) -> tuple[dict[int, dict[str, str]], dict[int, dict[str, str]]]:
    """Save the rows whose result or note differs; their old and new values by item id."""
    old: dict[int, dict[str, str]] = {}
    new: dict[int, dict[str, str]] = {}
    changed = []
    for row, entry in rows:
        note = clean_text(entry.note)[:500]
        if (row.result, row.note) != (entry.result, note):
            old[row.item_id] = {"result": row.result, "note": row.note}
            new[row.item_id] = {"result": entry.result, "note": note}
            row.result, row.note = entry.result, note
            changed.append(row)
    if changed:
        InspectionChecklistResult.objects.bulk_update(changed, ["result", "note"])
    return old, new


def _fire(obj: Model, name: str, user: User, *, state_label: str) -> str:
    """Check and fire a django-fsm-2 transition: 403 wrong person, 409 wrong state, 400 unmet
    condition (each condition names the field that is missing). Returns the source state."""
    method = getattr(obj, name)
    meta = method._django_fsm
    transition = next(iter(meta.transitions.values()))
    if not transition.has_perm(obj, user):
        raise Forbidden(_("You may not do this."))
    source = obj.state  # type: ignore[attr-defined]
    if not meta.has_transition(source):
        raise Conflict(
            _("This cannot be done while it is “%(state)s”.") % {"state": state_label}, code="invalid_state"
        )
    errors = {}
    for condition in transition.conditions or []:
        if not condition(obj):
            field, message = rules.MESSAGES[condition]
            errors[field] = [str(message)]
    if errors:
        raise Invalid(next(iter(errors.values()))[0], errors=errors)
    method(by=user)
    return source


def inspection_submit(*, user: User, inspection_id: int, context: AuditContext | None = None) -> Inspection:
    """Submit the draft: from now on it is read-only and the school sees it."""
    with transaction.atomic():
        inspection, _roles = _locked_inspection(user=user, inspection_id=inspection_id)
        source = _fire(inspection, "submit", user, state_label=inspection.get_state_display())
        try:
            inspection.save(update_fields=["state", "submitted_at", "submitted_by", "updated_at"])
        except ConcurrentTransition as exc:
            raise Conflict(_("Someone else changed this at the same time."), code="concurrent") from exc
        audit_record(
            action="inspection.submitted",
            actor=user,
            target=inspection,
            school_id=inspection.school_id,
            detail={
                "old": {"state": source},
                "new": {"state": inspection.state, "rating": inspection.rating},
            },
            context=context,
        )
    return inspection


def finding_add(
    *,
    user: User,
    inspection_id: int,
    text: str,
    needs_rectification: bool = False,
    context: AuditContext | None = None,
) -> Finding:
    """Add a finding to a draft inspection."""
    with transaction.atomic():
        inspection, _roles = _locked_inspection(user=user, inspection_id=inspection_id)
        _require_draft(inspection)
        text = clean_text(text)
        if not text:
            raise Invalid(_("Write the finding."), errors={"text": [_("Write the finding.")]})
        finding = Finding(
            inspection=inspection, text=text[:MAX_TEXT], needs_rectification=needs_rectification
        )
        finding.full_clean()
        finding.save()
        Inspection.objects.filter(pk=inspection.pk).update(updated_at=timezone.now())
        audit_record(
            action="finding.added",
            actor=user,
            target=finding,
            school_id=inspection.school_id,
            detail={
                "inspection": inspection.pk,
                "new": {"text": finding.text, "needs_rectification": needs_rectification},
            },
            context=context,
        )
    return finding


# --- rectifications ----------------------------------------------------------------------------


def rectification_open(
    *, user: User, finding_id: int, deadline: datetime.date | None, context: AuditContext | None = None
) -> Rectification:
    """An inspector asks the school to correct a finding of a submitted inspection by a deadline."""
    with transaction.atomic():
        finding = Finding.objects.select_related("inspection").filter(pk=finding_id).first()
        if finding is None:
            raise NotFound(_("No such finding."))
        inspection, _roles = _locked_inspection(user=user, inspection_id=finding.inspection_id)
        if inspection.state != Inspection.State.SUBMITTED:
            raise Conflict(_("Submit the inspection first."), code="invalid_state")
        if not finding.needs_rectification:
            raise Conflict(_("This finding does not need a rectification."), code="no_rectification_needed")
        if Rectification.objects.filter(finding=finding).exists():
            raise Conflict(_("This finding has a rectification already."), code="exists")
        if deadline is None or deadline < timezone.localdate():
            raise Invalid(
                _("Give a deadline from today on."),
                errors={"deadline": [_("Give a deadline from today on.")]},
            )
        rectification = Rectification(
            finding=finding, school_id=inspection.school_id, deadline=deadline, opened_by=user
        )
        rectification.full_clean(exclude=["state"])
        rectification.save()
        audit_record(
            action="rectification.opened",
            actor=user,
            target=rectification,
            school_id=inspection.school_id,
            detail={
                "finding": finding.pk,
                "inspection": inspection.pk,
                "new": {"deadline": deadline.isoformat(), "state": rectification.state},
            },
            context=context,
        )
    return rectification


def _rectification_transition(
    *,
    user: User,
    rectification_id: int,
    name: str,
    text_field: str,
    text: str,
    action: str,
    update_fields: list[str],
    context: AuditContext | None,
) -> Rectification:
    with transaction.atomic():
        rectification = (
            Rectification.objects.select_for_update(of=("self",))
            .select_related("school")
            .filter(pk=rectification_id)
            .first()
        )
        if rectification is None or not access.school_roles(
            user=user, bureau_id=rectification.school.bureau_id, school_id=rectification.school_id
        ):
            raise NotFound(_("No such rectification."))
        old_text = getattr(rectification, text_field)
        setattr(rectification, text_field, clean_text(text)[:MAX_TEXT])
        source = _fire(rectification, name, user, state_label=rectification.get_state_display())
        try:
            rectification.save(update_fields=["state", text_field, *update_fields, "updated_at"])
        except ConcurrentTransition as exc:
            raise Conflict(_("Someone else changed this at the same time."), code="concurrent") from exc
        audit_record(
            action=action,
            actor=user,
            target=rectification,
            school_id=rectification.school_id,
            detail={
                "old": {"state": source, text_field: old_text},
                "new": {"state": rectification.state, text_field: getattr(rectification, text_field)},
            },
            context=context,
        )
    return rectification


def rectification_answer(
    *, user: User, rectification_id: int, response: str, context: AuditContext | None = None
) -> Rectification:
    """The principal or a vice principal answers: what the school has done."""
    return _rectification_transition(
        user=user,
        rectification_id=rectification_id,
        name="answer",
        text_field="response",
        text=response,
        action="rectification.answered",
        update_fields=["answered_by", "answered_at"],
        context=context,
    )


def rectification_return(
    *, user: User, rectification_id: int, comment: str, context: AuditContext | None = None
) -> Rectification:
    """The inspector is not satisfied: back to the school, with a comment (required)."""
    return _rectification_transition(
        user=user,
        rectification_id=rectification_id,
        name="return_to_school",
        text_field="return_comment",
        text=comment,
        action="rectification.returned",
        update_fields=[],
        context=context,
    )


def rectification_close(
    *, user: User, rectification_id: int, comment: str = "", context: AuditContext | None = None
) -> Rectification:
    """The inspector accepts the school's answer."""
    return _rectification_transition(
        user=user,
        rectification_id=rectification_id,
        name="close",
        text_field="closing_comment",
        text=comment,
        action="rectification.closed",
        update_fields=["closed_by", "closed_at"],
        context=context,
    )


# --- notices -----------------------------------------------------------------------------------


def notice_issue(
    *,
    user: User,
    school_id: int,
    kind: str,
    title: str,
    text: str,
    issued_on: datetime.date | None = None,
    teacher_ids: Iterable[int] = (),
    inspection_id: int | None = None,
    context: AuditContext | None = None,
) -> Notice:
    """Publish a notice of criticism or a commendation at once."""
    _require_inspector_somewhere(user)
    school = _school_for_inspector(user=user, school_id=school_id)
    title, text = clean_text(title), clean_text(text)
    issued_on = issued_on or timezone.localdate()
    errors: dict[str, list[str]] = {}
    if kind not in Notice.Kind.values:
        errors["kind"] = [_("Choose a notice of criticism or a commendation.")]
    if not title:
        errors["title"] = [_("Give the notice a title.")]
    if not text:
        errors["text"] = [_("Write the notice.")]
    _check_date(issued_on, "issued_on", errors)
    teachers = sorted(set(teacher_ids))
    if teachers and set(teachers) - set(
        school_staff(school_id=school.pk).filter(pk__in=teachers).values_list("pk", flat=True)
    ):
        errors["teachers"] = [_("Every teacher named must be on the staff of the school.")]
    if (
        inspection_id is not None
        and not Inspection.objects.filter(
            pk=inspection_id, school=school, state=Inspection.State.SUBMITTED
        ).exists()
    ):
        errors["inspection"] = [_("Link a submitted inspection of this school.")]
    if errors:
        raise Invalid(_("The notice cannot be issued."), errors=errors)
    with transaction.atomic():
        notice = Notice(
            kind=kind,
            bureau_id=school.bureau_id,
            school=school,
            inspection_id=inspection_id,
            title=title[:200],
            text=text[:MAX_TEXT],
            issued_on=issued_on,
            issued_by=user,
            published_at=timezone.now(),
        )
        notice.full_clean()
        notice.save()
        notice.teachers.set(teachers)
        audit_record(
            action="notice.issued",
            actor=user,
            target=notice,
            school_id=school.pk,
            detail={
                "new": {
                    "kind": kind,
                    "title": notice.title,
                    "text": notice.text,
                    "issued_on": issued_on.isoformat(),
                    "teachers": teachers,
                    "inspection": inspection_id,
                }
            },
            context=context,
        )
    return notice


def notice_withdraw(
    *, user: User, notice_id: int, reason: str, context: AuditContext | None = None
) -> Notice:
    """Withdraw a published notice, with a reason. Notices are never deleted."""
    with transaction.atomic():
        notice = Notice.objects.select_for_update(of=("self",)).filter(pk=notice_id).first()
        if notice is None:
            raise NotFound(_("No such notice."))
        roles = access.school_roles(user=user, bureau_id=notice.bureau_id, school_id=notice.school_id)
        if access.INSPECTOR not in roles:
            if roles or notice.teachers.filter(pk=user.pk).exists():
                raise Forbidden(_("Only the bureau's inspectors may withdraw a notice."))
            raise NotFound(_("No such notice."))
        if notice.is_withdrawn:
            raise Conflict(_("The notice is withdrawn already."), code="invalid_state")
        reason = clean_text(reason)
        if not reason:
            raise Invalid(
                _("Give the reason for withdrawing."),
                errors={"reason": [_("Give the reason for withdrawing.")]},
            )
        notice.withdrawn_at = timezone.now()
        notice.withdrawn_by = user
        notice.withdrawal_reason = reason[:MAX_TEXT]
        notice.full_clean()
        notice.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_reason"])
        audit_record(
            action="notice.withdrawn",
            actor=user,
            target=notice,
            school_id=notice.school_id,
            detail={
                "old": {"withdrawn": False},
                "new": {"withdrawn": True, "reason": notice.withdrawal_reason},
            },
            context=context,
        )
    return notice
