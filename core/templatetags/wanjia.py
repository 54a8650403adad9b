"""``{% load wanjia %}``: small helpers of the shared templates."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django import template
from django.utils.http import url_has_allowed_host_and_scheme

register = template.Library()


@register.simple_tag(takes_context=True)
def back_url(context: dict[str, Any]) -> str:
    """The page the user came from, for a "back" link: only an address of this site, and never
    the page itself; "" when there is none."""
    request = context.get("request")
    if request is None:
        return ""
    referer = request.META.get("HTTP_REFERER", "")
    if not referer or not url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return ""
    parts = urlsplit(referer)
    if parts.path == request.path:
        return ""
    return parts.path + (f"?{parts.query}" if parts.query else "")
