"""Writes on drafts. A draft is its author's working copy, not a record: it is not audited."""

from __future__ import annotations

import datetime
import json
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import Invalid
from drafts.keys import valid_key
from drafts.models import Draft

if TYPE_CHECKING:
    from accounts.models import User

FIELDS_MAX = 300
NAME_MAX = 100


def max_bytes() -> int:
    return int(getattr(settings, "WANJIA_DRAFT_MAX_BYTES", 128 * 1024))


def _clean(data: Any) -> dict[str, str | list[str]]:
    """The typed values: field name → text, or a list of texts (checkboxes, multiple choices)."""
    bad = Invalid(_("The draft is not a set of form fields."), errors={"data": [_("Not form fields.")]})
    if not isinstance(data, dict) or len(data) > FIELDS_MAX:
        raise bad
    clean: dict[str, str | list[str]] = {}
    for name, value in data.items():
        if not isinstance(name, str) or not name or len(name) > NAME_MAX:
            raise bad
        if isinstance(value, str):
            clean[name] = value
        elif isinstance(value, list) and all(isinstance(item, str) for item in value):
            clean[name] = list(value)
        else:
            raise bad
        if "\x00" in name or "\x00" in json.dumps(value):
            raise bad  # PostgreSQL's jsonb holds no NUL
    if len(json.dumps(clean, ensure_ascii=False).encode()) > max_bytes():
        raise Invalid(too_large_message(), errors={"data": [too_large_message()]})
    return clean


def too_large_message() -> str:
    return _("The draft is too long to keep on the server; it is kept in this browser only.")


def draft_save(*, user: User, key: str, data: Any) -> Draft:
    """Keep what ``user`` has typed into the form ``key`` (one draft per person and form)."""
    if not valid_key(key):
        raise Invalid(_("No such form."), errors={"key": [_("No such form.")]})
    clean = _clean(data)
    if (
        not Draft.objects.filter(user=user, key=key).exists()
        and Draft.objects.filter(user=user).count() >= settings.WANJIA_DRAFTS_PER_USER
    ):
        raise Invalid(
            _("Too many unsaved forms are kept on the server; this one is kept in this browser only."),
            errors={"key": [_("Too many drafts.")]},
        )
    draft, _created = Draft.objects.update_or_create(
        user=user, key=key, defaults={"data": clean, "updated_at": timezone.now()}
    )
    return draft


def draft_discard(*, user: User, key: str) -> int:
    """Forget ``user``'s draft of ``key`` (the form was saved, or they chose to discard it)."""
    deleted, _per_model = Draft.objects.filter(user=user, key=key).delete()
    return deleted


def draft_discard_all(*, user_id: int) -> int:
    """Forget every draft of a person (they left a school: a draft may be about its pupils)."""
    deleted, _per_model = Draft.objects.filter(user_id=user_id).delete()
    return deleted


def draft_cutoff(now: datetime.datetime) -> datetime.datetime:
    return now - datetime.timedelta(days=int(getattr(settings, "WANJIA_DRAFT_DAYS", 30)))


def drafts_due(now: datetime.datetime) -> Any:
    """Drafts untouched for ``WANJIA_DRAFT_DAYS``: the retention run deletes them."""
    return Draft.objects.filter(updated_at__lt=draft_cutoff(now))


def draft_purge(*, now: datetime.datetime) -> int:
    deleted, _per_model = drafts_due(now).delete()
    return deleted
