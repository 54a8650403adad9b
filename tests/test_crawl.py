"""Every page the demo's people can reach by following links answers: no 500, no dead link;
and every one is never cached, carries the Content-Security-Policy, and holds no inline script,
event handler or inline style (what the policy would block; tests/core/transit_checks.py).

The demo holds a record of every kind (cases in each state, visits with and without a case,
attachments, tutoring, six ones, ledger, opinions, inspections), so following the links each
persona is shown walks the pages, exports and downloads they really get. Runs on PostgreSQL and,
as a smoke test, on SQLite (it caught a query SQLite refuses).
"""

from __future__ import annotations

import re
from collections import Counter, deque
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from accounts.models import User
from tests.core.transit_checks import POLICY, inline_code, never_cached, policy

LINK = re.compile(r'href="(/[^"#]*)"')
SKIP = ("/static/", "/accounts/logout/", "/admin/", "/api/")
# Links of the same shape (ids replaced) are followed this often: breadth over repetition.
PER_SHAPE = 5
PERSONAS = ("teacher_a1", "principal_a", "counsellor_a", "inspector", "admin_a", "custodian_a")


def shape(url: str) -> str:
    path, _, query = url.partition("?")
    keys = sorted(part.split("=")[0] for part in query.split("&") if part)
    return re.sub(r"\d+", "N", path) + "?" + "&".join(keys)


def crawl(client: Client) -> tuple[int, list[tuple[str, str, int | str]]]:
    """Breadth-first over the links the pages show; (pages fetched, [(from, url, what is wrong)])."""
    start = client.get("/", follow=True)
    assert start.status_code == 200
    queue: deque[tuple[str, str]] = deque(("/", url) for url in LINK.findall(start.content.decode()))
    seen = {"/"}
    shapes: Counter[str] = Counter()
    failures: list[tuple[str, str, int | str]] = []
    fetched = 0
    while queue:
        source, url = queue.popleft()
        url = url.replace("&amp;", "&")
        if url in seen or url.startswith(SKIP) or shapes[shape(url)] >= PER_SHAPE:
            continue
        seen.add(url)
        shapes[shape(url)] += 1
        response = client.get(url, follow=True)
        fetched += 1
        if response.status_code != 200:
            failures.append((source, url, response.status_code))
            continue
        # An attachment carries its own, stricter policy (a sandbox: attachments/responses.py).
        sandboxed = response.get("Content-Security-Policy") == "sandbox" and url.startswith("/attachments/")
        if not never_cached(response) or (policy(response) != POLICY and not sandboxed):
            failures.append((source, url, "headers"))
        if response.get("Content-Type", "").startswith("text/html"):
            html = response.content.decode()
            if inline_code(html):
                failures.append((source, url, "; ".join(inline_code(html))))
            queue.extend((url, link) for link in LINK.findall(html))
    return fetched, failures


@pytest.mark.smoke
@pytest.mark.django_db
def test_every_linked_page_answers_for_every_demo_persona() -> None:
    call_command("demo", stdout=StringIO())
    for username in PERSONAS:
        client = Client(raise_request_exception=False)
        client.force_login(User.objects.get(username=username))
        fetched, failures = crawl(client)
        assert fetched > 25, username  # the crawl really walked the site
        assert failures == [], (username, failures)
