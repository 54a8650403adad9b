"""Reads of attachments that depend on who asks. Unseen → NotFound (404), always."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from accounts.models import User
from attachments.models import Attachment, AttachmentQuerySet
from casework.models import Case, HomeVisit
from casework.selectors import case_get_for_user, visit_get_for_user
from consents.models import Consent
from consents.selectors import consent_get_for_user
from core.errors import NotFound, Refusal


def _listed(attachments: AttachmentQuerySet) -> QuerySet[Attachment]:
    return attachments.present().select_related("uploaded_by", "visit").order_by("-uploaded_at", "-id")


def attachment_list_for_case(*, case: Case) -> QuerySet[Attachment]:
    """The case's attachments and those of its visits, for a case the caller has let the user see."""
    return _listed(Attachment.objects.filter(Q(case=case) | Q(visit__case=case)))


def attachment_list_for_visit(*, visit: HomeVisit) -> QuerySet[Attachment]:
    """The visit's attachments, for a visit the caller has let the user see."""
    return _listed(Attachment.objects.filter(visit=visit))


def attachment_list_for_consent(*, consent: Consent) -> QuerySet[Attachment]:
    """The scans of a consent, for a consent the caller has let the user see."""
    return _listed(Attachment.objects.filter(consent=consent))


def attachment_list_for_consent_ids(*, consent_ids: list[int]) -> QuerySet[Attachment]:
    """The scans of several consents in one query, for consents the caller has let the user see."""
    return _listed(Attachment.objects.filter(consent_id__in=consent_ids))


def attachment_list_for_consent_id(
    *, user: User | AnonymousUser, consent_id: int
) -> tuple[Consent, QuerySet[Attachment]]:
    consent, _roles = consent_get_for_user(user=user, consent_id=consent_id)
    return consent, attachment_list_for_consent(consent=consent)


def attachment_list_for_case_id(
    *, user: User | AnonymousUser, case_id: int
) -> tuple[Case, QuerySet[Attachment]]:
    case = case_get_for_user(user=user, case_id=case_id)
    return case, attachment_list_for_case(case=case)


def attachment_list_for_visit_id(
    *, user: User | AnonymousUser, visit_id: int
) -> tuple[HomeVisit, QuerySet[Attachment]]:
    visit = visit_get_for_user(user=user, visit_id=visit_id)
    return visit, attachment_list_for_visit(visit=visit)


def attachment_get_for_user(*, user: User | AnonymousUser, attachment_id: int) -> Attachment:
    """The attachment (not removed), or NotFound when it or its case, visit or consent is hidden
    from the user."""
    attachment = Attachment.objects.present().select_related("uploaded_by").filter(pk=attachment_id).first()
    if attachment is None:
        raise NotFound(_("No such attachment."))
    try:
        if attachment.case_id is not None:
            attachment.case = case_get_for_user(user=user, case_id=attachment.case_id)
        elif attachment.consent_id is not None:
            attachment.consent, _roles = consent_get_for_user(user=user, consent_id=attachment.consent_id)
        else:
            assert attachment.visit_id is not None
            attachment.visit = visit_get_for_user(user=user, visit_id=attachment.visit_id)
    except NotFound as exc:
        # Refused with its case or visit: the trail names the attachment, at their school.
        refused = exc.refusal
        refusal = (
            Refusal(
                target=attachment,
                school_id=refused.school_id,
                case_id=refused.case_id,
                pupil_id=refused.pupil_id,
            )
            if refused is not None
            else None
        )
        raise NotFound(_("No such attachment."), refusal=refusal) from exc
    return attachment


def attachment_case(attachment: Attachment) -> Case | None:
    """The case whose rules govern the attachment (its own, or its visit's); None for a visit
    without a case and for a consent's scan."""
    if attachment.case_id is not None:
        return attachment.case
    if attachment.consent_id is not None:
        return None
    assert attachment.visit is not None
    return attachment.visit.case if attachment.visit.case_id else None
