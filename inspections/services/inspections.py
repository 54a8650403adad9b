"""Writes on inspections: start a draft, change it, add findings, submit it."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition

from audit.services import AuditContext, audit_record
from core.errors import Conflict, Invalid
from core.services import model_update
from core.text import clean_text
from inspections.models import (
    ChecklistItem,
    ChecklistResult,
    Finding,
    Inspection,
    InspectionChecklistResult,
    Rating,
)
from inspections.selectors import bureau_inspectors
from inspections.services.common import (
    MAX_TEXT,
    check_date,
    fire,
    locked_inspection,
    require_inspector_somewhere,
    school_for_inspector,
)

if TYPE_CHECKING:
    from accounts.models import User


def _check_inspectors(*, bureau_id: int, ids: Iterable[int], errors: dict[str, list[str]]) -> list[int]:
    wanted = sorted(set(ids))
    valid = set(bureau_inspectors(bureau_ids=[bureau_id]).filter(pk__in=wanted).values_list("pk", flat=True))
    if set(wanted) - valid:
        errors["inspectors"] = [_("Every inspector must be an active inspector of the school's bureau.")]
    return wanted


def inspection_create(
    *,
    user: User,
    school_id: int,
    inspected_on: datetime.date,
    inspector_ids: Iterable[int] = (),
    context: AuditContext | None = None,
) -> Inspection:
    """An inspector starts a draft inspection of a school of their bureau; they lead it."""
    require_inspector_somewhere(user)
    school = school_for_inspector(user=user, school_id=school_id)
    errors: dict[str, list[str]] = {}
    check_date(inspected_on, "inspected_on", errors)
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
        inspection, _roles = locked_inspection(user=user, inspection_id=inspection_id)
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
        check_date(inspected_on, "inspected_on", errors)
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


def inspection_submit(*, user: User, inspection_id: int, context: AuditContext | None = None) -> Inspection:
    """Submit the draft: from now on it is read-only and the school sees it."""
    with transaction.atomic():
        inspection, _roles = locked_inspection(user=user, inspection_id=inspection_id)
        source = fire(inspection, "submit", user, state_label=inspection.get_state_display())
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
        inspection, _roles = locked_inspection(user=user, inspection_id=inspection_id)
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
