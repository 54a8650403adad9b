"""Audit trail: verify_audit throughput over 1,000,000 chained events (version 2, a tenth of them
erased), what one audit_record costs, and what the audit write adds to a case transition.

Uses its own database (wanjia_bench; BENCH_DATABASE_URL to change). The events are built once in
Python (hashes included) and loaded with COPY into 50 school chains.

    make bench            # or: .venv/bin/python bench/bench_audit.py [--events 1000000] [--transitions 500]
"""

from __future__ import annotations

import argparse
import datetime
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import setup_django

SCHOOLS = 50


def build(events: int) -> None:
    from django.db import connection, transaction

    from audit.chain import (
        ERASED_DETAIL,
        chain_for_school,
        event_hash_v2,
        new_salt,
        payload_digest,
    )
    from audit.models import AuditChainHead, AuditEvent
    from schools.models import Bureau, School

    present = AuditEvent.objects.filter(action="bench.audit").count()
    if present >= events:
        print(f"data present: {present:,} bench audit events")
        return
    started = time.perf_counter()
    bureau, _ = Bureau.objects.get_or_create(code="bench_audit", defaults={"name": "审计基准教育局"})
    schools = [
        School.objects.get_or_create(bureau=bureau, code=f"BAUD{i:03d}", defaults={"name": f"审计学校{i}"})[0]
        for i in range(SCHOOLS)
    ]
    base = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    with transaction.atomic():
        heads = {
            chain_for_school(s.pk): AuditChainHead.objects.get_or_create(chain=chain_for_school(s.pk))[0]
            for s in schools
        }
        columns = [*(f for f in AuditEvent._meta.concrete_fields if f.column != "id")]
        names = [f.column for f in columns]
        with (
            connection.cursor() as cursor,
            cursor.connection.cursor().copy(f"COPY audit_auditevent ({', '.join(names)}) FROM STDIN") as copy,
        ):
            for i in range(events):
                school = schools[i % SCHOOLS]
                chain = chain_for_school(school.pk)
                head = heads[chain]
                payload: dict[str, Any] = {
                    "detail": {"transition": "submit_plan", "from": "planning", "to": "awaiting_approval"},
                    "ip": "10.1.2.3",
                    "user_agent": "bench",
                }
                salt = new_salt()
                fields: dict[str, Any] = {
                    "chain": chain,
                    "seq": head.seq + 1,
                    "occurred_at": base + datetime.timedelta(microseconds=37 * i),
                    "actor_id": None,
                    "actor_label": "基准 (bench)",
                    "action": "bench.audit",
                    "target_type": "casework.case",
                    "target_id": str(i),
                    "case_id": i,
                    "school_id": school.pk,
                    "payload_digest": payload_digest(salt=salt, **payload),
                    "prev_hash": head.hash,
                }
                fields["hash"] = event_hash_v2(**fields)
                # Every tenth event as the retention run leaves it: payload and salt erased.
                erased = i % 10 == 9
                fields |= {
                    **({"detail": ERASED_DETAIL, "ip": None, "user_agent": ""} if erased else payload),
                    "hash_version": 2,
                    "payload_salt": "" if erased else salt,
                    "erased_at": base if erased else None,
                }
                head.seq, head.hash = fields["seq"], fields["hash"]
                row = {f.column: fields[f.attname] for f in columns}
                row["detail"] = json.dumps(row["detail"], ensure_ascii=False)
                copy.write_row([row[name] for name in names])
        for head in heads.values():
            head.save()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE audit_auditevent")
    print(f"built {events:,} audit events in {time.perf_counter() - started:.1f} s")


def time_audit_record(records: int) -> None:
    """One audit_record in its own transaction, as a service writes it (chain head lock included)."""
    from django.db import transaction

    from audit.services import AuditContext, audit_record
    from schools.models import School

    school = School.objects.get(code="BAUD001")
    context = AuditContext(ip="10.1.2.3", user_agent="bench")
    detail = {"transition": "submit_plan", "from": "planning", "to": "awaiting_approval", "comment": "基准"}
    samples = []
    for i in range(records + 50):
        start = time.perf_counter()
        with transaction.atomic():
            audit_record(
                action="bench.record",
                actor=None,
                case_id=i,
                school_id=school.pk,
                detail=detail,
                context=context,
            )
        if i >= 50:  # warm-up
            samples.append((time.perf_counter() - start) * 1000)
    print(
        f"audit_record in its own transaction     median {statistics.median(samples):8.3f} ms (n={records})"
    )


def time_transitions(transitions: int) -> None:
    from django.db import transaction

    from accounts.models import User
    from casework import services
    from casework.services import cases
    from schools.models import AcademicYear, Classroom, Membership, Pupil, School

    school = School.objects.get(code="BAUD000")
    with transaction.atomic():
        year = AcademicYear.objects.order_by("-starts_on").first()
        if year is None:
            today = datetime.date.today()  # noqa: DTZ011 - bench data only
            year = AcademicYear.objects.create(
                name=AcademicYear.name_for(today),
                starts_on=datetime.date(today.year if today.month >= 9 else today.year - 1, 9, 1),
                ends_on=datetime.date(today.year + (1 if today.month >= 9 else 0), 8, 31),
            )
        teacher, _ = User.objects.get_or_create(username="baud_teacher")
        principal, _ = User.objects.get_or_create(username="baud_principal")
        Membership.objects.get_or_create(user=teacher, school=school, role="teacher")
        Membership.objects.get_or_create(user=principal, school=school, role="principal")
        room, _ = Classroom.objects.get_or_create(
            school=school, academic_year=year, grade=1, number=1, defaults={"class_teacher": teacher}
        )
        pupil, _ = Pupil.objects.get_or_create(
            school=school,
            student_number="BAUD0001",
            defaults={"classroom": room, "name": "学生", "gender": "F"},
        )
    case = services.case_open(user=teacher, pupil_id=pupil.pk, categories=["academic"], summary="基准")
    services.case_transition(case_id=case.pk, user=teacher, name="draft_plan")
    services.plan_create(case_id=case.pk, user=teacher, goals="目标", measures="措施")

    def run(n: int) -> list[float]:
        samples = []
        for i in range(n):
            name, user = ("submit_plan", teacher) if i % 2 == 0 else ("return_plan", principal)
            start = time.perf_counter()
            services.case_transition(case_id=case.pk, user=user, name=name, comment="基准")
            samples.append((time.perf_counter() - start) * 1000)
        return samples

    run(20)  # warm-up; ends in "planning" because 20 is even
    with_audit = run(transitions)
    # case_transition looks audit_record up in its own module, casework.services.cases.
    original = cases.audit_record
    cases.audit_record = lambda **kwargs: None  # type: ignore[assignment]
    try:
        without_audit = run(transitions)
    finally:
        cases.audit_record = original
    print(
        f"case transition with audit write      median {statistics.median(with_audit):8.2f} ms (n={transitions})"
    )
    print(
        f"case transition without audit write   median {statistics.median(without_audit):8.2f} ms (n={transitions})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--transitions", type=int, default=500)
    parser.add_argument("--records", type=int, default=2000)
    args = parser.parse_args()
    setup_django()
    build(args.events)

    from audit.verify import verify_chains

    started = time.perf_counter()
    checked, problem = verify_chains()
    elapsed = time.perf_counter() - started
    assert problem is None, str(problem)
    rate = checked / elapsed
    print(
        f"verify_audit: {checked:,} events in {elapsed:.1f} s = {rate:,.0f} events/s"
        f" ({1_000_000 / rate:.1f} s per 1,000,000 events)"
    )
    time_audit_record(args.records)
    time_transitions(args.transitions)


if __name__ == "__main__":
    main()
