"""Writes of consents: record a guardian's decision, withdraw a given consent. One transaction
each; the pupil's row is locked first, so that recording, withdrawing and the checks of other
apps (``consents.rules.consent_require(lock=True)``) see one another in order. Audited."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import AuditContext, audit_record
from consents import access
from consents.models import Consent, Purpose
from consents.selectors import consent_current
from core.errors import Conflict, Forbidden, Invalid, NotFound
from core.text import clean_text
from schools.models import Guardian, Pupil

if TYPE_CHECKING:
    from accounts.models import User

NAME_MAX = 100
REASON_MAX = 300
RECORD_DENIED = _("Only the class teacher and the school's leaders and administrators record consents.")


def _locked_pupil(*, pupil_id: int, user: User) -> Pupil:
    """Lock the pupil's row; 404 for whoever may not see the pupil's consents, 403 for readers."""
    pupil = (
        Pupil.objects.select_for_update(of=("self",))
        .select_related("school", "classroom")
        .filter(pk=pupil_id)
        .first()
    )
    roles = access.consent_roles(pupil, user) if pupil is not None else frozenset()
    if pupil is None or not roles:
        raise NotFound(_("No such pupil."))
    if not roles & access.WRITERS:
        raise Forbidden(RECORD_DENIED)
    return pupil


def consent_record(
    *,
    user: User,
    pupil_id: int,
    purpose: str,
    granted: bool,
    guardian_id: int | None = None,
    guardian_name: str = "",
    context: AuditContext | None = None,
) -> Consent:
    """Record a guardian's decision (given or refused) on one purpose. It becomes the pupil's
    current record for that purpose; the earlier ones stay as history."""
    errors: dict[str, list[str]] = {}
    if purpose not in Purpose.values:
        errors["purpose"] = [_("Choose what the consent is for.")]
    if not isinstance(granted, bool):
        errors["granted"] = [_("Say whether the guardian gave or refused consent.")]
    with transaction.atomic():
        pupil = _locked_pupil(pupil_id=pupil_id, user=user)
        guardian = None
        if guardian_id is not None:
            guardian = Guardian.objects.filter(pk=guardian_id, pupil_id=pupil.pk).first()
            if guardian is None:
                errors["guardian"] = [_("Choose a guardian of this pupil.")]
        name = guardian.name if guardian is not None else clean_text(guardian_name)
        if "guardian" not in errors:
            if not name:
                errors["guardian_name"] = [_("Say who decided: choose a guardian or write a name.")]
            elif len(name) > NAME_MAX:
                errors["guardian_name"] = [_("At most %(max)s characters.") % {"max": NAME_MAX}]
        if errors:
            raise Invalid(_("The consent is incomplete."), errors=errors)
        consent = Consent(
            pupil=pupil,
            school_id=pupil.school_id,
            purpose=purpose,
            guardian=guardian,
            guardian_name=name,
            granted=granted,
            recorded_by=user,
            recorded_at=timezone.now(),
        )
        consent.full_clean()
        consent.save()
        audit_record(
            action="consent.recorded",
            actor=user,
            target=consent,
            school_id=pupil.school_id,
            # The guardian by id only: names and family details stay out of the append-only trail.
            detail={
                "pupil_id": pupil.pk,
                "purpose": purpose,
                "granted": granted,
                "guardian": guardian.pk if guardian is not None else None,
            },
            context=context,
        )
    return consent


def consent_withdraw(
    *, user: User, consent_id: int, reason: str, context: AuditContext | None = None
) -> Consent:
    """Record that the guardians withdrew a consent they had given. Only the current record of its
    purpose can be withdrawn, and only once; an older consent does not come back into force."""
    seen = Consent.objects.filter(pk=consent_id).values_list("pupil_id", flat=True).first()
    if seen is None:
        raise NotFound(_("No such consent."))
    reason = clean_text(reason)
    with transaction.atomic():
        pupil = _locked_pupil(pupil_id=seen, user=user)
        consent = Consent.objects.select_for_update().get(pk=consent_id)
        current = consent_current(pupil=pupil, purpose=consent.purpose)
        if not consent.granted:
            raise Conflict(
                _("A refusal cannot be withdrawn; record the new decision instead."), code="invalid_state"
            )
        if consent.withdrawn_at is not None:
            raise Conflict(_("This consent has already been withdrawn."), code="invalid_state")
        if current is None or current.pk != consent.pk:
            raise Conflict(
                _("A later record has replaced this one; withdraw the current record."), code="invalid_state"
            )
        if not reason:
            message = _("Say how the guardian withdrew the consent (who, when, how).")
            raise Invalid(message, errors={"reason": [message]})
        if len(reason) > REASON_MAX:
            message = _("At most %(max)s characters.") % {"max": REASON_MAX}
            raise Invalid(message, errors={"reason": [message]})
        consent.withdrawn_at = timezone.now()
        consent.withdrawn_by = user
        consent.withdrawal_reason = reason
        consent.full_clean()
        consent.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_reason"])
        audit_record(
            action="consent.withdrawn",
            actor=user,
            target=consent,
            school_id=pupil.school_id,
            # The reason may describe the family: its length only.
            detail={"pupil_id": pupil.pk, "purpose": consent.purpose, "reason_length": len(reason)},
            context=context,
        )
    return consent
