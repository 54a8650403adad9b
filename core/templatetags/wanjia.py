"""``{% load wanjia %}``: small helpers of the shared templates."""

from __future__ import annotations

from typing import Any

from django import template

from core.http import referer_path

register = template.Library()


@register.simple_tag(takes_context=True)
def back_url(context: dict[str, Any]) -> str:
    """The page the user came from, for a "back" link: only an address of this site, and never
    the page itself; "" when there is none."""
    request = context.get("request")
    return referer_path(request) if request is not None else ""
