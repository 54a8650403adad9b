"""What the browser is told about our answers, as tests check it: the Content-Security-Policy,
the cache headers, and HTML of ours free of what the policy would block (inline code).
Used by tests/core/test_transit.py and by the crawl (tests/test_crawl.py)."""

from __future__ import annotations

import re

from django.http import HttpResponseBase

POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data: blob:",
    "object-src": "'none'",
    "base-uri": "'none'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}
# What CSP forbids in HTML of ours: a script element without src (inline code), an event handler
# attribute, a javascript: address, inline style (element or attribute).
INLINE = {
    "inline script": re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE),
    "event handler": re.compile(r"<[a-zA-Z][^>]*\son[a-zA-Z]+\s*=", re.IGNORECASE),
    "javascript: address": re.compile(r"""=\s*["']?\s*javascript:""", re.IGNORECASE),
    "style element": re.compile(r"<style\b", re.IGNORECASE),
    "style attribute": re.compile(r"<[a-zA-Z][^>]*\sstyle\s*=", re.IGNORECASE),
}


def inline_code(html: str) -> list[str]:
    """What in ``html`` the policy would block, by kind (empty: nothing)."""
    return [f"{kind}: {m.group(0)[:80]}" for kind, pattern in INLINE.items() for m in pattern.finditer(html)]


def policy(response: HttpResponseBase) -> dict[str, str]:
    """The Content-Security-Policy header, directive by directive (their order is not fixed)."""
    parts = (d.strip().partition(" ") for d in response["Content-Security-Policy"].split(";"))
    return {name: value for name, _space, value in parts}


def never_cached(response: HttpResponseBase) -> bool:
    directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
    return {"no-store", "no-cache", "private", "max-age=0"} <= directives
