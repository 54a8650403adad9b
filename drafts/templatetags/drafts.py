"""``<form ... {% draft_attrs "visit-record" visit.pk saved=visit.recorded_at %}>``: marks a long
form for drafts (static/js/wanjia.js, docs/frontend.md). ``saved`` is when the record was last
saved: a draft older than that is not offered back."""

from __future__ import annotations

import datetime
import json
from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from drafts.keys import draft_key

register = template.Library()


def messages() -> dict[str, str]:
    """What the script says about drafts, in the page's language."""
    return {
        "found": _("This form has an unsaved draft from {when}."),
        "restore": _("Restore the draft"),
        "discard": _("Discard the draft"),
        "restored": _("The draft is restored. Check it, then save."),
    }


@register.simple_tag(takes_context=True)
def draft_attrs(
    context: template.Context,
    form: str,
    record_id: int | None = None,
    saved: datetime.datetime | str | None = None,
) -> SafeString:
    key = draft_key(form, record_id)
    user: Any = context.get("user")
    attrs = format_html(
        'data-draft="{}" data-draft-url="{}" data-draft-owner="{}" data-draft-messages="{}"',
        key,
        reverse("drafts:draft", kwargs={"key": key}),
        getattr(user, "pk", "") or "",
        json.dumps(messages(), ensure_ascii=False),
    )
    if isinstance(saved, datetime.datetime):  # a missing record (no plan yet) renders as ""
        attrs = format_html('{} data-draft-saved="{}"', attrs, saved.isoformat())
    return attrs
