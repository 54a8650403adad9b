"""Ten clicks at once on one rectification's answer: the row lock lets one win, nine get 409.

A real server (live_server, its own thread) and ten client threads, so the requests meet in
PostgreSQL where the lock decides.
"""

from __future__ import annotations

import threading

import pytest

from audit.models import AuditEvent
from inspections.models import Rectification
from tests.api.test_concurrency import call
from tests.inspections.helpers import open_rectification

CLIENTS = 10


@pytest.mark.postgres_only
def test_ten_concurrent_answers_one_wins(live_server, world):
    rectification = open_rectification(world)
    status, body = call(f"{live_server.url}/api/v1/auth/token/", {"username": "principal", "password": "pw"})
    assert status == 200, body
    url = f"{live_server.url}/api/v1/rectifications/{rectification.pk}/answer/"
    barrier = threading.Barrier(CLIENTS)
    results: list[tuple[int, dict]] = []
    lock = threading.Lock()

    def click(number: int) -> None:
        barrier.wait()
        result = call(url, {"response": f"整改回复 {number}"}, body["token"])
        with lock:
            results.append(result)

    threads = [threading.Thread(target=click, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)

    statuses = sorted(status for status, _ in results)
    assert statuses == [200] + [409] * (CLIENTS - 1), results
    winner = next(body for status, body in results if status == 200)
    rectification.refresh_from_db()
    assert rectification.state == Rectification.State.ANSWERED
    assert rectification.response == winner["response"]
    answers = AuditEvent.objects.filter(action="rectification.answered", target_id=str(rectification.pk))
    assert answers.count() == 1
