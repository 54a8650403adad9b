"""Audit browser latency with 200,000 events in 10 schools (docs/audit-browser.md).

Builds the data once in the benchmark database (BENCH_DATABASE_URL), then times, through Django's
test client: recording a case view, the browser's first page for a principal and an inspector,
a pupil's access log, a case's trail, the API's first page and a CSV export of one school-month.

    .venv/bin/python bench/bench_audit_browser.py [--repeat 50]
"""

from __future__ import annotations

import argparse
import datetime
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import measure, setup_django

SCHOOLS = 10
PUPILS_PER_SCHOOL = 500
EVENTS = 200_000


def build() -> None:
    from django.db import connection, transaction
    from django.utils import timezone

    from accounts.models import User
    from audit.models import AuditEvent
    from casework.models import Case
    from schools.models import Bureau, BureauMembership, Membership, Pupil, School

    if AuditEvent.objects.filter(chain__startswith="abench").count() >= EVENTS:
        print("data present")
        return
    started = time.perf_counter()
    rng = random.Random(11)
    now = timezone.now()
    with transaction.atomic():
        bureau, _ = Bureau.objects.get_or_create(code="abench", defaults={"name": "审计基准教育局"})
        inspector, _ = User.objects.get_or_create(username="abench_inspector")
        BureauMembership.objects.get_or_create(user=inspector, bureau=bureau)
        schools = School.objects.bulk_create(
            [School(bureau=bureau, code=f"ABENCH{i:02d}", name=f"审计基准学校{i}") for i in range(SCHOOLS)]
        )
        principals = User.objects.bulk_create([User(username=f"abench_p{i}") for i in range(SCHOOLS)])
        teachers = User.objects.bulk_create([User(username=f"abench_t{i}") for i in range(SCHOOLS)])
        Membership.objects.bulk_create(
            [Membership(user=principals[i], school=schools[i], role="principal") for i in range(SCHOOLS)]
            + [Membership(user=teachers[i], school=schools[i], role="teacher") for i in range(SCHOOLS)]
        )
        pupils = Pupil.objects.bulk_create(
            [
                Pupil(school=school, student_number=f"A{school.pk:04d}{n:04d}", name=f"学生{n}", gender="F")
                for school in schools
                for n in range(PUPILS_PER_SCHOOL)
            ],
            batch_size=5000,
        )
        cases = Case.objects.bulk_create(
            [
                Case(
                    pupil=p,
                    school_id=p.school_id,
                    owner=teachers[i % SCHOOLS],
                    opened_by=teachers[i % SCHOOLS],
                    summary="基准",
                )
                for i, p in enumerate(pupils)
                if i % 5 == 0
            ],
            batch_size=5000,
        )
        events = []
        seqs: dict[str, int] = {}
        for i in range(EVENTS):
            if i % 3:
                case = cases[rng.randrange(len(cases))]
                action, target_type, target_id, case_id, school_id = (
                    rng.choice(["case.viewed", "case.transition", "note.read"]),
                    "casework.case",
                    str(case.pk),
                    case.pk,
                    case.school_id,
                )
            else:
                pupil = pupils[rng.randrange(len(pupils))]
                action, target_type, target_id, case_id, school_id = (
                    "pupil.viewed",
                    "schools.pupil",
                    str(pupil.pk),
                    None,
                    pupil.school_id,
                )
            chain = f"abench:{school_id}"
            seqs[chain] = seqs.get(chain, 0) + 1
            events.append(
                AuditEvent(
                    occurred_at=now - datetime.timedelta(minutes=rng.randrange(365 * 24 * 60)),
                    actor=teachers[school_id % SCHOOLS],
                    actor_label="基准教师",
                    action=action,
                    target_type=target_type,
                    target_id=target_id,
                    case_id=case_id,
                    school_id=school_id,
                    detail={"pupil_id": 0},
                    chain=chain,
                    seq=seqs[chain],
                    hash="0" * 64,
                )
            )
        AuditEvent.objects.bulk_create(events, batch_size=10_000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"built {EVENTS:,} events in {time.perf_counter() - started:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    setup_django()
    build()

    from django.test import Client
    from django.utils import timezone

    from accounts.models import User
    from audit.services import audit_view
    from casework.models import Case
    from schools.models import School

    school = School.objects.get(code="ABENCH00")
    principal = User.objects.get(username="abench_p0")
    inspector = User.objects.get(username="abench_inspector")
    case = Case.objects.filter(school=school).order_by("pk").first()
    assert case is not None
    web_principal, web_inspector = Client(), Client()
    web_principal.force_login(principal)
    web_inspector.force_login(inspector)
    month = timezone.localdate() - datetime.timedelta(days=30)

    def get(client: Client, url: str, **params: str) -> None:
        response = client.get(url, params)
        assert response.status_code == 200, (url, response.status_code)
        if response.streaming:
            b"".join(response.streaming_content)  # type: ignore[attr-defined]

    repeat = args.repeat
    measure("record a case view (audit_view)", lambda: audit_view(actor=principal, case=case), repeat=repeat)
    measure("/audit/ principal, first page", lambda: get(web_principal, "/audit/"), repeat=repeat)
    measure("/audit/ inspector, first page", lambda: get(web_inspector, "/audit/"), repeat=repeat)
    measure(
        "/audit/pupils/<id>/ principal",
        lambda: get(web_principal, f"/audit/pupils/{case.pupil_id}/"),
        repeat=repeat,
    )
    measure(
        "/audit/cases/<id>/ principal", lambda: get(web_principal, f"/audit/cases/{case.pk}/"), repeat=repeat
    )
    measure(
        "/api/v1/audit/events/ principal", lambda: get(web_principal, "/api/v1/audit/events/"), repeat=repeat
    )
    measure(
        "export.csv one school, last 30 days",
        lambda: get(web_inspector, "/audit/export.csv", school=school.code, since=month.isoformat()),
        repeat=max(5, repeat // 10),
        warmup=1,
    )


if __name__ == "__main__":
    main()
