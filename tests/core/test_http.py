"""core.http.client_ip: the client's address, from X-Forwarded-For only behind a trusted proxy."""

from __future__ import annotations

import pytest
from django.http import HttpRequest
from django.test import RequestFactory

from audit.services import AuditContext
from core.http import client_ip


def request(remote: str = "10.0.0.1", forwarded: str | None = None) -> HttpRequest:
    made = RequestFactory().get("/")
    made.META["REMOTE_ADDR"] = remote
    if forwarded is not None:
        made.META["HTTP_X_FORWARDED_FOR"] = forwarded
    return made


@pytest.mark.smoke
@pytest.mark.parametrize(
    ("trusted", "remote", "forwarded", "expected"),
    [
        (False, "10.0.0.1", None, "10.0.0.1"),
        (False, "10.0.0.1", "192.0.2.7", "10.0.0.1"),  # no proxy: the header is the client's to forge
        (True, "10.0.0.1", None, "10.0.0.1"),
        (True, "10.0.0.1", "192.0.2.7", "192.0.2.7"),
        (True, "10.0.0.1", "198.51.100.1, 192.0.2.7", "192.0.2.7"),  # the entry our proxy appended
        (True, "10.0.0.1", "192.0.2.7, not-an-address", "10.0.0.1"),  # malformed: not believed
        (True, "10.0.0.1", "2001:db8::7", "2001:db8::7"),
        (False, "", None, None),
    ],
)
def test_client_ip(settings, trusted, remote, forwarded, expected):
    settings.WANJIA_TRUST_X_FORWARDED_FOR = trusted
    assert client_ip(request(remote, forwarded)) == expected


@pytest.mark.smoke
@pytest.mark.parametrize("trusted", [False, True])
def test_the_audit_trail_takes_the_same_address(settings, trusted):
    settings.WANJIA_TRUST_X_FORWARDED_FOR = trusted
    req = request("10.0.0.1", "192.0.2.7")
    assert AuditContext.from_request(req).ip == client_ip(req) == ("192.0.2.7" if trusted else "10.0.0.1")
    assert settings.AXES_CLIENT_IP_CALLABLE == "core.http.client_ip"
