"""Case-list latency with 100,000 cases across 50 schools.

Builds the data once in its own database (wanjia_bench; BENCH_DATABASE_URL to change), then
times GET /api/v1/cases/ for a class teacher and a principal, the web list /cases/ for the same
two, and a bare Django view, all in one process through Django's test client (no network).

    make bench            # or: .venv/bin/python bench/bench_case_list.py [--repeat 200]
"""

from __future__ import annotations

import argparse
import datetime
import random
import sys
import time
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import measure, setup_django

SCHOOLS = 50
CLASSES_PER_SCHOOL = 20
PUPILS_PER_CLASS = 50
CASES = 100_000


def build() -> None:
    from django.db import connection, transaction

    from accounts.models import User
    from casework.models import Case, CaseCategory, Category, State
    from schools.models import AcademicYear, Bureau, BureauMembership, Classroom, Membership, Pupil, School

    if Case.objects.count() >= CASES:
        print(f"data present: {Case.objects.count():,} cases")
        return
    started = time.perf_counter()
    rng = random.Random(7)
    today = datetime.date.today()  # noqa: DTZ011 - bench data only
    with transaction.atomic():
        year, _ = AcademicYear.objects.get_or_create(
            name=AcademicYear.name_for(today),
            defaults={
                "starts_on": datetime.date(today.year if today.month >= 9 else today.year - 1, 9, 1),
                "ends_on": datetime.date(today.year + (1 if today.month >= 9 else 0), 8, 31),
            },
        )
        bureau, _ = Bureau.objects.get_or_create(code="bench", defaults={"name": "基准测试教育局"})
        inspector, _ = User.objects.get_or_create(username="bench_inspector")
        BureauMembership.objects.get_or_create(user=inspector, bureau=bureau)
        schools = School.objects.bulk_create(
            [School(bureau=bureau, code=f"BENCH{i:03d}", name=f"基准学校{i}") for i in range(SCHOOLS)]
        )
        users = User.objects.bulk_create(
            [User(username=f"bench_p{s}", full_name=f"校长{s}") for s in range(SCHOOLS)]
            + [
                User(username=f"bench_t{s}_{c}", full_name=f"教师{s}-{c}")
                for s in range(SCHOOLS)
                for c in range(CLASSES_PER_SCHOOL)
            ]
        )
        principals = users[:SCHOOLS]
        teachers = users[SCHOOLS:]
        Membership.objects.bulk_create(
            [Membership(user=principals[s], school=schools[s], role="principal") for s in range(SCHOOLS)]
            + [
                Membership(user=teachers[s * CLASSES_PER_SCHOOL + c], school=schools[s], role="teacher")
                for s in range(SCHOOLS)
                for c in range(CLASSES_PER_SCHOOL)
            ]
        )
        classrooms = Classroom.objects.bulk_create(
            [
                Classroom(
                    school=schools[s],
                    academic_year=year,
                    grade=1 + c % 6,
                    number=1 + c // 6,
                    class_teacher=teachers[s * CLASSES_PER_SCHOOL + c],
                )
                for s in range(SCHOOLS)
                for c in range(CLASSES_PER_SCHOOL)
            ]
        )
        pupils = Pupil.objects.bulk_create(
            [
                Pupil(
                    school_id=room.school_id,
                    classroom=room,
                    student_number=f"B{room.pk:05d}{n:03d}",
                    name=f"学生{room.pk}-{n}",
                    gender="F" if n % 2 else "M",
                )
                for room in classrooms
                for n in range(PUPILS_PER_CLASS)
            ],
            batch_size=5000,
        )
        print(f"organisation: {len(schools)} schools, {len(classrooms)} classes, {len(pupils):,} pupils")
        states = list(State.values)
        room_teacher = {room.pk: room.class_teacher_id for room in classrooms}
        school_teachers = {
            s.pk: [t.pk for t in teachers[i * CLASSES_PER_SCHOOL : (i + 1) * CLASSES_PER_SCHOOL]]
            for i, s in enumerate(schools)
        }
        cases = []
        for i in range(CASES):
            pupil = pupils[i % len(pupils)]
            # Half the cases are owned by the class teacher, half by another teacher of the school.
            owner = (
                room_teacher[pupil.classroom_id or 0]
                if i % 2
                else rng.choice(school_teachers[pupil.school_id])
            )
            cases.append(
                Case(
                    pupil=pupil,
                    school_id=pupil.school_id,
                    owner_id=owner,
                    opened_by_id=owner,
                    summary="基准数据",
                    state=rng.choice(states),
                )
            )
        cases = Case.objects.bulk_create(cases, batch_size=5000)
        categories = []
        for case in cases:
            for category in rng.sample(Category.values, rng.choice([1, 1, 2])):
                categories.append(CaseCategory(case=case, category=category))
        CaseCategory.objects.bulk_create(categories, batch_size=10000)
    with connection.cursor() as cursor:
        # Real cases change over a whole year, not in the same second.
        cursor.execute(
            "UPDATE casework_case SET updated_at = now() - (random() * interval '365 days'), "
            "created_at = now() - interval '366 days'"
        )
        cursor.execute("ANALYZE")
    print(
        f"built {len(cases):,} cases, {len(categories):,} categories in {time.perf_counter() - started:.1f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    setup_django()
    build()

    from django.test import Client

    from accounts.models import User
    from accounts.services import api_token_issue
    from casework.selectors import case_list_for_user

    teacher = User.objects.get(username="bench_t0_0")
    principal = User.objects.get(username="bench_p0")
    print(
        f"visible cases: class teacher {case_list_for_user(user=teacher).count():,}, "
        f"principal {case_list_for_user(user=principal).count():,}"
    )
    bare = Client()
    measure("bare Django view", lambda: bare.get("/bench/bare/"), repeat=args.repeat)
    for label, user in [("class teacher", teacher), ("principal", principal)]:
        _token, key = api_token_issue(user=user, name="bench")
        api = Client(headers={"authorization": f"Token {key}"})
        response = api.get("/api/v1/cases/")
        assert response.status_code == 200, response.content[:300]
        measure(f"GET /api/v1/cases/ ({label})", partial(api.get, "/api/v1/cases/"), repeat=args.repeat)
        web = Client()
        web.force_login(user)
        assert web.get("/cases/").status_code == 200
        measure(f"GET /cases/ page ({label})", partial(web.get, "/cases/"), repeat=args.repeat)


if __name__ == "__main__":
    main()
