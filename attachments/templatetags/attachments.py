"""``{% attachments_block case=case %}`` / ``{% attachments_block visit=visit case=case %}``: the list
of attachments with download links, and the upload form for those who may attach.
``{% consent_scans_block pupil records consent %}``: the scans of a consent's signed form."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from django import template
from django.conf import settings
from django.urls import reverse

from attachments import access
from attachments.forms import AttachmentForm
from attachments.models import Attachment
from attachments.selectors import (
    attachment_list_for_case,
    attachment_list_for_consent_ids,
    attachment_list_for_visit,
)
from attachments.services import too_large_message
from casework import access as case_access
from casework.models import Case, HomeVisit
from consents import access as consent_access
from consents.models import Consent
from schools.models import Pupil

register = template.Library()


@register.inclusion_tag("attachments/_block.html", takes_context=True)
def attachments_block(
    context: template.Context, case: Case | None = None, visit: HomeVisit | None = None
) -> dict[str, Any]:
    user = context["request"].user
    if visit is not None:
        if case is not None and visit.case_id == case.pk:
            visit.case = case  # the page's case, whose roles for this user are already known
        case = access.visit_case(visit)
        items = list(attachment_list_for_visit(visit=visit))
        may_upload = access.may_upload_to_visit(visit, user)
        upload_url = reverse("attachments:visit_upload", args=[visit.pk])
    else:
        assert case is not None
        items = list(attachment_list_for_case(case=case))
        may_upload = access.may_upload_to_case(case, user)
        upload_url = reverse("attachments:case_upload", args=[case.pk])
    closed = access.is_closed(case)
    if visit is not None:
        leads = case_access.LEADER in case_access.visit_roles(visit, user)
    else:
        leads = case is not None and case_access.LEADER in case_access.case_roles(case, user)
    return {
        "attachments": [
            {"item": item, "removable": not closed and (leads or item.uploaded_by_id == user.pk)}
            for item in items
        ],
        "can_upload": may_upload and not closed,
        "form": AttachmentForm(),
        "upload_url": upload_url,
        "on_visit": visit is not None,
        "csrf_token": context.get("csrf_token"),
        # For the script's check before sending (static/js/wanjia.js); the server checks again.
        "max_bytes": settings.WANJIA_ATTACHMENT_MAX_BYTES,
        "too_large": too_large_message(),
    }


@register.inclusion_tag("attachments/_consent_scans.html", takes_context=True)
def consent_scans_block(
    context: template.Context, pupil: Pupil, records: Sequence[Consent], consent: Consent
) -> dict[str, Any]:
    """The scans of one consent among ``records`` (the page's list of the pupil's consents), with
    the upload link for those who may record consents. The scans of all ``records`` are read in
    one query, the first time the tag runs on a page."""
    user = context["request"].user
    cache: dict[int, tuple[dict[int, list[Attachment]], bool, bool]] = cast(
        Any, context.render_context
    ).setdefault("_consent_scans", {})
    if id(records) not in cache:
        grouped: dict[int, list[Attachment]] = {record.pk: [] for record in records}
        for item in attachment_list_for_consent_ids(consent_ids=list(grouped)):
            grouped[item.consent_id or 0].append(item)
        leads = access.may_remove_any_consent_scan(school_id=pupil.school_id, user=user)
        cache[id(records)] = (grouped, leads, consent_access.may_record(pupil, user))
    grouped, leads, may_upload = cache[id(records)]
    # As attachments.access.may_remove: the leaders of the school that recorded the consent.
    leads = leads and consent.school_id == pupil.school_id
    return {
        "consent": consent,
        "scans": [
            {"item": item, "removable": leads or item.uploaded_by_id == user.pk}
            for item in grouped.get(consent.pk, [])
        ],
        "can_upload": may_upload,
        "upload_url": reverse("attachments:consent_upload", args=[consent.pk]),
        "csrf_token": context.get("csrf_token"),
    }
