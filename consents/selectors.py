"""Reads of consents: the current state of a pupil's purposes, the history, and who may see them.

The current record of a purpose is the pupil's latest record for it at the pupil's school. A
consent is in force when that record gives consent and is not withdrawn. A withdrawal is final
for the record: an older grant does not come back (a guardian who withdraws means "no"); the
school records a new consent if the guardian gives it again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from consents import access
from consents.models import Consent, Purpose
from core.errors import NotFound, Refusal
from schools.models import Pupil

GIVEN = "given"
REFUSED = "refused"
WITHDRAWN = "withdrawn"
SUPERSEDED = "superseded"
MISSING = "missing"

STATUS_LABELS = {
    GIVEN: gettext_lazy("given"),
    REFUSED: gettext_lazy("refused"),
    WITHDRAWN: gettext_lazy("withdrawn"),
    SUPERSEDED: gettext_lazy("superseded by a later record"),
    MISSING: gettext_lazy("not recorded"),
}


def consent_current(*, pupil: Pupil, purpose: str) -> Consent | None:
    """The pupil's latest record for the purpose at the pupil's school, or None."""
    return (
        Consent.objects.filter(pupil_id=pupil.pk, school_id=pupil.school_id, purpose=purpose)
        .order_by("-recorded_at", "-id")
        .first()
    )


def in_force(consent: Consent | None) -> bool:
    return consent is not None and consent.granted and consent.withdrawn_at is None


def record_status(consent: Consent, *, current: bool) -> str:
    """A record's status: given / refused while it is the current one; withdrawn; or superseded."""
    if consent.withdrawn_at is not None:
        return WITHDRAWN
    if not current:
        return SUPERSEDED
    return GIVEN if consent.granted else REFUSED


@dataclass(frozen=True)
class PurposeState:
    purpose: str
    label: str
    current: Consent | None

    @property
    def status(self) -> str:
        return MISSING if self.current is None else record_status(self.current, current=True)

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])

    @property
    def in_force(self) -> bool:
        return in_force(self.current)


def consent_list_for_pupil(*, pupil: Pupil) -> QuerySet[Consent]:
    """Every record of the pupil, newest first (for a pupil the caller has let the user see)."""
    return (
        Consent.objects.filter(pupil_id=pupil.pk)
        .select_related("guardian", "recorded_by", "withdrawn_by", "school")
        .order_by("-recorded_at", "-id")
    )


def current_ids(records: list[Consent], *, school_id: int) -> set[int]:
    """The ids of the current record of each purpose among ``records`` (newest first)."""
    seen: dict[str, int] = {}
    for record in records:
        if record.school_id == school_id and record.purpose not in seen:
            seen[record.purpose] = record.pk
    return set(seen.values())


def consent_states(*, pupil: Pupil, records: list[Consent] | None = None) -> list[PurposeState]:
    """The state of every purpose, in the order of ``Purpose`` (one query, or none given the records)."""
    records = list(consent_list_for_pupil(pupil=pupil)) if records is None else records
    current = current_ids(records, school_id=pupil.school_id)
    by_purpose = {record.purpose: record for record in records if record.pk in current}
    return [PurposeState(value, str(label), by_purpose.get(value)) for value, label in Purpose.choices]


def annotated_history(*, pupil: Pupil) -> list[Any]:
    """The history, newest first, each record with ``status`` and ``status_label`` set."""
    records = list(consent_list_for_pupil(pupil=pupil))
    current = current_ids(records, school_id=pupil.school_id)
    for record in records:
        status = record_status(record, current=record.pk in current)
        record.status = status  # type: ignore[attr-defined]
        record.status_label = str(STATUS_LABELS[status])  # type: ignore[attr-defined]
        record.is_current = record.pk in current  # type: ignore[attr-defined]
    return records


def consent_pupil_get_for_user(*, user: Any, pupil_id: int) -> tuple[Pupil, frozenset[str]]:
    """The pupil and the user's roles on their consents; NotFound (404) for anyone without one."""
    pupil = Pupil.objects.select_related("school", "classroom").filter(pk=pupil_id).first()
    roles = access.consent_roles(pupil, user) if pupil is not None else frozenset()
    if pupil is None or not roles:
        # An existing pupil refused is audited (access.refused); either way the answer is 404.
        refusal = Refusal(target=pupil, school_id=pupil.school_id, pupil_id=pupil.pk) if pupil else None
        raise NotFound(_("No such pupil."), refusal=refusal)
    return pupil, roles


def consent_get_for_user(*, user: Any, consent_id: int) -> tuple[Consent, frozenset[str]]:
    """A consent record and the user's roles on the pupil's consents; NotFound (404) otherwise."""
    consent = (
        Consent.objects.select_related("pupil__school", "pupil__classroom", "guardian", "recorded_by")
        .filter(pk=consent_id)
        .first()
    )
    roles = access.consent_roles(consent.pupil, user) if consent is not None else frozenset()
    if consent is None or not roles:
        refusal = (
            Refusal(target=consent, school_id=consent.pupil.school_id, pupil_id=consent.pupil_id)
            if consent
            else None
        )
        raise NotFound(_("No such consent."), refusal=refusal)
    return consent, roles
