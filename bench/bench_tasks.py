"""Task inbox latency with 100,000 case tasks (one per case of bench_case_list's 100,000 cases).

Builds the cases with bench_case_list.build(), then one CaseProcess and one task per case in
bulk (the open task of the case's state; a finished one for closed cases), and times the inbox
page /workflows/inbox/ and GET /api/v1/tasks/ for a teacher and a principal, with their query
counts. Its own database like every benchmark (BENCH_DATABASE_URL).

    .venv/bin/python bench/bench_tasks.py [--repeat 200]
"""

from __future__ import annotations

import argparse
import sys
import time
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import measure, setup_django

KIND_OF_STATE = {
    "identified": "draft_plan",
    "planning": "submit_plan",
    "awaiting_approval": "approve_plan",
    "intervention": "schedule_visit",
    "home_visit": "record_visit",
    "review": "review",
}


def build_tasks() -> None:
    from django.db import connection, transaction
    from django.utils import timezone
    from viewflow.workflow.status import PROCESS, STATUS

    from casework.models import Case
    from workflows.deadlines import task_due_on
    from workflows.flows import CaseFlow
    from workflows.models import CaseProcess, CaseTask, TaskQueue

    if CaseTask.objects.count() >= 100_000:
        print(f"tasks present: {CaseTask.objects.count():,}")
        return
    started = time.perf_counter()
    now = timezone.now()
    with transaction.atomic():
        cases = list(
            Case.objects.order_by("id").values_list("id", "school_id", "owner_id", "state", "updated_at")
        )
        processes = CaseProcess.objects.bulk_create(
            [
                CaseProcess(
                    flow_class=CaseFlow,  # type: ignore[misc]
                    case_id=pk,
                    status=PROCESS.DONE if state == "closed" else PROCESS.NEW,
                )
                for pk, _school, _owner, state, _updated in cases
            ],
            batch_size=5000,
        )
        tasks = []
        for process, (pk, school, owner, state, updated) in zip(processes, cases, strict=True):
            kind = KIND_OF_STATE.get(state, "review")
            queue = TaskQueue.LEADERS if kind in ("approve_plan", "review") else TaskQueue.NONE
            assigned = kind != "approve_plan"
            closed = state == "closed"
            tasks.append(
                CaseTask(
                    process=process,
                    flow_task=getattr(CaseFlow, kind),
                    flow_task_type="HUMAN",
                    status=STATUS.DONE if closed else (STATUS.ASSIGNED if assigned else STATUS.NEW),
                    owner_id=owner if assigned else None,
                    case_id=pk,
                    school_id=school,
                    kind=kind,
                    queue=queue,
                    created=updated,
                    finished=now if closed else None,
                    due_on=task_due_on(kind=kind, case=None, created=updated),  # type: ignore[arg-type]
                )
            )
        CaseTask.objects.bulk_create(tasks, batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"built {len(processes):,} processes, {len(tasks):,} tasks in {time.perf_counter() - started:.1f} s"
    )


def _record(queries: list[str], execute, sql, params, many, context):
    queries.append(sql)
    return execute(sql, params, many, context)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    setup_django()
    from bench.bench_case_list import build

    build()
    build_tasks()

    from django.db import connection
    from django.test import Client

    from accounts.models import User
    from accounts.services import api_token_issue
    from workflows.selectors import task_inbox_for_user

    teacher = User.objects.get(username="bench_t0_0")
    principal = User.objects.get(username="bench_p0")
    print(
        f"open tasks: teacher {task_inbox_for_user(user=teacher).count():,}, "
        f"principal {task_inbox_for_user(user=principal).count():,}"
    )
    for label, user in [("teacher", teacher), ("principal", principal)]:
        _token, key = api_token_issue(user=user, name="bench")
        api = Client(headers={"authorization": f"Token {key}"})
        web = Client()
        web.force_login(user)
        for name, client, url in [
            ("GET /api/v1/tasks/", api, "/api/v1/tasks/"),
            ("GET /workflows/inbox/", web, "/workflows/inbox/"),
        ]:
            queries: list[str] = []
            with connection.execute_wrapper(partial(_record, queries)):
                response = client.get(url)
            assert response.status_code == 200, response.content[:300]
            result = measure(f"{name} ({label})", partial(client.get, url), repeat=args.repeat)
            print(f"{'':<44} queries {len(queries)}   median {result['median_ms']:.2f} ms")


if __name__ == "__main__":
    main()
