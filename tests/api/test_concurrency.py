"""Twenty principals' clicks at once on one case: one approval wins, nineteen get 409.

A real server (pytest-django's live_server, in its own thread) and twenty client threads, so
that the requests meet in PostgreSQL, where the row lock decides.
"""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request

import pytest

from audit.models import AuditEvent
from casework.models import Case, State
from tests.builders import drive_to, open_case

CLIENTS = 20


def call(url: str, body: dict, token: str | None = None) -> tuple[int, dict]:
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if token:
        headers["Authorization"] = f"Token {token}"
    request = urllib.request.Request(url, data=json.dumps(body).encode(), headers=headers, method="POST")  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - our own live server
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


@pytest.mark.postgres_only
def test_twenty_concurrent_approvals_one_wins(live_server, world):
    case = drive_to(open_case(world.classroom, by=world.colleague), State.AWAITING_APPROVAL)
    status, body = call(f"{live_server.url}/api/v1/auth/token/", {"username": "principal", "password": "pw"})
    assert status == 200, body
    token = body["token"]
    url = f"{live_server.url}/api/v1/cases/{case.pk}/transitions/approve_plan/"
    barrier = threading.Barrier(CLIENTS)
    results: list[tuple[int, dict]] = []
    lock = threading.Lock()

    def click() -> None:
        barrier.wait()
        result = call(url, {"comment": "同意"}, token)
        with lock:
            results.append(result)

    threads = [threading.Thread(target=click) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)

    statuses = sorted(status for status, _ in results)
    assert statuses == [200] + [409] * (CLIENTS - 1), results
    assert {body["code"] for status, body in results if status == 409} <= {"invalid_state", "concurrent"}
    assert next(body for status, body in results if status == 200)["state"] == State.INTERVENTION
    assert Case.objects.get(pk=case.pk).state == State.INTERVENTION
    approvals = AuditEvent.objects.filter(
        action="case.transition", case_id=case.pk, detail__transition="approve_plan"
    )
    assert approvals.count() == 1
    assert approvals.get().actor == world.principal
