"""Programme reports on 100,000 cases across 50 schools: the city-wide report and one school's.

Uses the case-list benchmark's data (bench_case_list.build, same database: wanjia_bench, or
BENCH_DATABASE_URL) and adds what the reports read: states entered over the last 60 days,
closures with outcomes, and 30,000 recorded home visits. Times GET /reports/city/ for the
bureau's inspector (suppressed, one audit event per view), its CSV export, and a principal's
school report, all through Django's test client in one process.

    make bench            # or: .venv/bin/python bench/bench_reports.py [--repeat 50]
"""

from __future__ import annotations

import argparse
import sys
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import measure, setup_django

VISITS = 30_000


def build_report_data() -> None:
    from django.db import connection, transaction

    from casework.models import Case, HomeVisit

    if HomeVisit.objects.filter(visited_at__isnull=False).count() >= VISITS:
        print(f"report data present: {HomeVisit.objects.count():,} visits")
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE casework_case SET state_changed_at = now() - (random() * interval '60 days')")
        cursor.execute(
            "UPDATE casework_case SET closed_at = state_changed_at, closure_outcome = "
            "(ARRAY['resolved','improved','referred','left_school','other'])[1 + (id % 5)] "
            "WHERE state = 'closed'"
        )
        # Recorded visits on every third case (a pupil may have several cases: coverage < 1/3).
        cursor.execute(
            """
            INSERT INTO casework_homevisit (case_id, pupil_id, school_id, planned_by_id, kind, scheduled_for,
                appointment_method, appointment_with, appointment_agreed_at, appointment_note, scheduled_by_id,
                created_at, visited_at, family_situation, growth_environment, home_behaviour, study_habits,
                living_habits, school_life_feedback, parents_opinions, policies_explained, measures_agreed,
                reflection, no_gifts_pledge, recorded_by_id, recorded_at)
            SELECT id, pupil_id, school_id, owner_id, 'general', now() - interval '20 days',
                'phone', '家长', now() - interval '21 days', '', owner_id, now() - interval '21 days',
                now() - interval '19 days', '基准数据', '', '', '', '', '', '', '', '', '', true, owner_id, now()
            FROM casework_case WHERE id %% 3 = 0 ORDER BY id LIMIT %s
            """,
            [VISITS],
        )
        cursor.execute("ANALYZE")
    print(
        f"report data: {Case.objects.filter(state='closed').count():,} closed cases, "
        f"{HomeVisit.objects.count():,} visits"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    setup_django()
    from bench.bench_case_list import build

    build()
    build_report_data()

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User

    inspector = Client()
    inspector.force_login(User.objects.get(username="bench_inspector"))
    with CaptureQueriesContext(connection) as captured:
        response = inspector.get("/reports/city/")
    assert response.status_code == 200, response.status_code
    print(f"city report: {len(captured)} queries, {len(response.content):,} bytes")
    measure("GET /reports/city/ (inspector)", partial(inspector.get, "/reports/city/"), repeat=args.repeat)
    measure(
        "GET /reports/city/export.csv (inspector)",
        partial(inspector.get, "/reports/city/export.csv"),
        repeat=args.repeat,
    )
    principal = Client()
    principal.force_login(User.objects.get(username="bench_p0"))
    assert principal.get("/reports/schools/BENCH000/").status_code == 200
    measure(
        "GET /reports/schools/BENCH000/ (principal)",
        partial(principal.get, "/reports/schools/BENCH000/"),
        repeat=args.repeat,
    )


if __name__ == "__main__":
    main()
