"""``{% attachments_block case=case %}`` / ``{% attachments_block visit=visit case=case %}``: the list
of attachments with download links, and the upload form for those who may attach."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from attachments import access
from attachments.forms import AttachmentForm
from attachments.selectors import attachment_list_for_case, attachment_list_for_visit
from casework import access as case_access
from casework.models import Case, HomeVisit

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
    }
