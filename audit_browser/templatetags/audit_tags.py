"""Template helpers of the audit pages."""

from __future__ import annotations

import json
from typing import Any

from django import template

register = template.Library()


@register.filter
def short_hash(value: str, length: int = 10) -> str:
    """The first characters of a hash; the template puts the full value in a title attribute."""
    return value[:length] + "…" if value and len(value) > length else value or ""


@register.filter
def as_json(value: Any) -> str:
    """An event's detail as compact JSON, Chinese left readable."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True) if value else ""
