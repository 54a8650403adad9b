"""Who may do what with attachments (docs/attachments.md). Seeing follows the case or the visit.

- See and download: whoever may see the case (``casework.selectors.case_get_for_user``) or the
  visit (``casework.selectors.visit_get_for_user``) the attachment belongs to; inspectors too.
- Upload: the case's workers (paired teacher, class teacher); for a visit, whoever may record it.
- Remove: the uploader, or a principal or vice principal of the school; never on a closed case.
- A consent's scan (docs/consent.md): seen by whoever sees the pupil's consents (class teacher,
  the school's leaders and administrators, inspectors); uploaded by whoever may record them;
  removed by the uploader or a principal or vice principal.
Everyone else, superusers included: nothing.

A photo (an image) attached to a home visit needs the guardians' consent to home-visit photos
(``PHOTO_TYPES``, checked by the upload service through ``consents.rules``).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from casework import access as case_access
from casework.models import Case, HomeVisit, State
from consents import access as consent_access
from consents.models import Consent
from schools.models import Membership

UPLOAD_DENIED = _("Only the case's teachers may attach files.")
CONSENT_UPLOAD_DENIED = _(
    "Only the class teacher and the school's leaders and administrators attach consent forms."
)
# What counts as a photo of a home visit: every image kind we accept (attachments.files).
PHOTO_TYPES = frozenset({"image/jpeg", "image/png", "image/webp"})


def visit_case(visit: HomeVisit) -> Case | None:
    """The case a visit belongs to; None for a visit without a case."""
    return visit.case if visit.case_id else None


def visit_school_id(visit: HomeVisit) -> int:
    return visit.school_id


def may_upload_to_case(case: Case, user: Any) -> bool:
    return bool(case_access.case_roles(case, user) & case_access.WORKERS)


def may_upload_to_visit(visit: HomeVisit, user: Any) -> bool:
    """Whoever may write on the visit: its participants and, on a case visit, the case's workers."""
    return case_access.may_write_visit(visit, user)


def may_upload_to_consent(consent: Consent, user: Any) -> bool:
    return consent_access.may_record(consent.pupil, user)


def may_remove_any_consent_scan(*, school_id: int, user: Any) -> bool:
    """The principal and vice principals, as for cases and visits (not the school administrator)."""
    return Membership.objects.filter(
        user_id=user.pk, school_id=school_id, is_active=True, role__in=case_access.VISIT_LEADER_ROLES
    ).exists()


def may_remove(
    *,
    uploaded_by_id: int,
    case: Case | None,
    user: Any,
    visit: HomeVisit | None = None,
    consent: Consent | None = None,
) -> bool:
    if uploaded_by_id == user.pk:
        return True
    if consent is not None:
        return may_remove_any_consent_scan(school_id=consent.school_id, user=user)
    if visit is not None:
        return case_access.LEADER in case_access.visit_roles(visit, user)
    return case is not None and case_access.LEADER in case_access.case_roles(case, user)


def is_closed(case: Case | None) -> bool:
    return case is not None and case.state == State.CLOSED
