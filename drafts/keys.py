"""Draft keys: the form's name and, when it edits or belongs to a record, that record's id.

The template tag (``{% draft_attrs %}``) and the view that clears the draft on save build the
key with the same function, so both name the same draft."""

from __future__ import annotations

import re

# The forms that keep drafts (``{% draft_attrs "<form>" ... %}`` in their templates); a key is one
# of them, then the record's id when the form belongs to one. Anything else is no form of ours.
FORMS = (
    "case-visit-record",
    "essay",
    "inspection",
    "meeting",
    "opinion-raise",
    "opinion-receive",
    "plan",
    "visit-record",
)
KEY = re.compile(r"^(?:" + "|".join(re.escape(form) for form in FORMS) + r")(?:-[1-9][0-9]{0,18})?$")
KEY_MAX = 100


def draft_key(form: str, record_id: int | None = None) -> str:
    key = form if record_id is None else f"{form}-{int(record_id)}"
    if not valid_key(key):
        raise ValueError(f"bad draft key {key!r}")
    return key


def valid_key(key: str) -> bool:
    return len(key) <= KEY_MAX and KEY.match(key) is not None
