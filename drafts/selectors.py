"""Reads of drafts: only the author's own; anyone else's is as if it did not exist (404)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from core.errors import NotFound
from drafts.models import Draft

if TYPE_CHECKING:
    from accounts.models import User


def draft_get_for_user(*, user: User, key: str) -> Draft:
    draft = Draft.objects.filter(user=user, key=key).first()
    if draft is None:
        raise NotFound(_("No draft."))
    return draft
