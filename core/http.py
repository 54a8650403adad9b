"""The typed request of our pages, and the one notion of the client's address."""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING

from django.conf import settings
from django.http import HttpRequest

if TYPE_CHECKING:
    from accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """A request behind ``login_required``: its user is one of ours, never anonymous."""

    user: User


def _address(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    """The client's address, as the audit trail records it and the sign-in lockout counts it.

    Behind our own proxy (``WANJIA_TRUST_X_FORWARDED_FOR``) REMOTE_ADDR is the proxy, which appends
    the address that reached it to X-Forwarded-For: the last entry is the client. Without such a
    proxy that header is the client's to forge, so it is ignored. A malformed entry falls back to
    REMOTE_ADDR rather than being believed.
    """
    remote = _address(request.META.get("REMOTE_ADDR") or "")
    if getattr(settings, "WANJIA_TRUST_X_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR") or ""
        if forwarded:
            return _address(forwarded.split(",")[-1]) or remote
    return remote


def local_path(candidate: str) -> str:
    """``candidate`` when it is a path on this site, else "": never another host or scheme, never
    a protocol-relative ``//host``, a backslash trick or a control character."""
    from django.utils.http import url_has_allowed_host_and_scheme

    if (
        candidate.startswith("/")
        and not candidate.startswith(("//", "/\\"))
        and candidate.isprintable()
        and url_has_allowed_host_and_scheme(candidate, allowed_hosts=None)
    ):
        return candidate
    return ""


def next_url(request: HttpRequest, default: str = "") -> str:
    """Where to go back to after the work is saved: the ``next`` of the form (POST) or the link
    (GET) when it is a path on this site (``local_path``), else ``default``."""
    candidate = str(request.POST.get("next") or request.GET.get("next") or "")
    return local_path(candidate) or default


def referer_path(request: HttpRequest) -> str:
    """The page of this site the user came from (path and query), for a "back" link; "" when the
    referer is missing, of another site, not a plain local path, or this very page."""
    from urllib.parse import urlsplit

    from django.utils.http import url_has_allowed_host_and_scheme

    referer = str(request.META.get("HTTP_REFERER", ""))
    if not referer or not url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return ""
    parts = urlsplit(referer)
    if parts.path == request.path:
        return ""
    return local_path(parts.path + (f"?{parts.query}" if parts.query else ""))
