"""Ten leaders' clicks at once on one opinion's "study": the row lock lets one win, nine get 409.

A real server (live_server, its own thread) and ten client threads, so the requests meet in
PostgreSQL where the lock decides.
"""

from __future__ import annotations

import threading

import pytest

from audit.models import AuditEvent
from opinions.models import ParentOpinion
from tests.api.test_concurrency import call
from tests.opinions.helpers import raise_opinion

CLIENTS = 10


@pytest.mark.postgres_only
def test_ten_concurrent_studies_one_wins(live_server, world):
    opinion = raise_opinion(world)
    status, body = call(f"{live_server.url}/api/v1/auth/token/", {"username": "principal", "password": "pw"})
    assert status == 200, body
    url = f"{live_server.url}/api/v1/opinions/{opinion.pk}/transitions/study/"
    barrier = threading.Barrier(CLIENTS)
    results: list[tuple[int, dict]] = []
    lock = threading.Lock()

    def click() -> None:
        barrier.wait()
        result = call(url, {}, body["token"])
        with lock:
            results.append(result)

    threads = [threading.Thread(target=click) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)

    statuses = sorted(status for status, _ in results)
    assert statuses == [200] + [409] * (CLIENTS - 1), results
    opinion.refresh_from_db()
    assert opinion.state == ParentOpinion.State.UNDER_STUDY
    assert AuditEvent.objects.filter(action="opinion.study", target_id=str(opinion.pk)).count() == 1
