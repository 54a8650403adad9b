"""Home visits at city scale: 50 schools, 2,000 teachers, 100,000 visits (docs/home-visits.md).

Builds its own data once (bureau ``bvis``; database wanjia_bench or BENCH_DATABASE_URL): 40
teachers and 20 classes of 40 pupils per school, 8,000 cases, and 50 visits planned by each
teacher — 40 recorded, 5 appointed, 5 awaiting an appointment; 70 % on a case, 30 % without one;
15 % with a second teacher — all in the current campaign year, plus the other six-ones records
(support plans, essays, parents' meetings, acts of help, handbooks) for the completion pages.

Times, through Django's test client in one process: the teacher's "my visits" page, the visit
API for a teacher, a principal and the inspector, the principal's page of all the school's visits,
the city-wide six-ones completion for the inspector and one school's for its principal (median,
p95, queries); then the services: compiling the handbook of a teacher with 40 recorded visits and
the teacher's evidence file as XLSX and PDF (median of a few runs, file sizes). ``--drop`` drops
the database at the end; without it the data stays for the next run.

    make bench            # or: .venv/bin/python bench/bench_visits.py [--repeat 30] [--runs 3] [--drop]
"""

from __future__ import annotations

import argparse
import datetime
import random
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import BENCH_DATABASE_URL, measure, setup_django

SCHOOLS = 50
TEACHERS_PER_SCHOOL = 40
CLASSES_PER_SCHOOL = 20  # the first 20 teachers of a school are class teachers
PUPILS_PER_CLASS = 40
CASES = 8_000
VISITS_PER_TEACHER = 50  # 2,000 teachers x 50 = 100,000 visits
RECORDED_PER_TEACHER = 40
APPOINTED_PER_TEACHER = 5
CASELESS_SHARE = 0.3
SECOND_TEACHER_SHARE = 0.15
# Takes part in exactly its own 40 recorded visits (never anyone's second teacher): the handbook's.
HANDBOOK_TEACHER = "bvis_t0_0"


def build() -> None:
    from django.db import connection, transaction
    from django.utils import timezone

    from accounts.models import User
    from casework.models import Case, HomeVisit, SupportPlan, VisitParticipant
    from schools.calendar import campaign_create_default
    from schools.models import AcademicYear, Bureau, BureauMembership, Classroom, Membership, Pupil, School
    from sixones.models import ActOfHelp, Handbook, ParentsMeeting, VisitEssay

    present = HomeVisit.objects.filter(school__bureau__code="bvis").count()
    if present >= SCHOOLS * TEACHERS_PER_SCHOOL * VISITS_PER_TEACHER:
        print(f"data present: {present:,} visits")
        return
    started = time.perf_counter()
    rng = random.Random(17)
    now = timezone.now()
    today = timezone.localdate()
    with transaction.atomic():
        year, _ = AcademicYear.objects.get_or_create(
            name=AcademicYear.name_for(today),
            defaults={
                "starts_on": datetime.date(today.year if today.month >= 9 else today.year - 1, 9, 1),
                "ends_on": datetime.date(today.year + (1 if today.month >= 9 else 0), 8, 31),
            },
        )
        bureau, _ = Bureau.objects.get_or_create(code="bvis", defaults={"name": "家访基准教育局"})
        campaign, _ = campaign_create_default(bureau=bureau, year=today.year, actor=None)
        inspector, _ = User.objects.get_or_create(username="bvis_inspector", defaults={"full_name": "督导员"})
        BureauMembership.objects.get_or_create(user=inspector, bureau=bureau)
        schools = School.objects.bulk_create(
            [School(bureau=bureau, code=f"BVIS{i:03d}", name=f"家访基准学校{i}") for i in range(SCHOOLS)]
        )
        users = User.objects.bulk_create(
            [User(username=f"bvis_p{s}", full_name=f"校长{s}") for s in range(SCHOOLS)]
            + [
                User(username=f"bvis_t{s}_{t}", full_name=f"教师{s}-{t}")
                for s in range(SCHOOLS)
                for t in range(TEACHERS_PER_SCHOOL)
            ],
            batch_size=5000,
        )
        principals = users[:SCHOOLS]
        teachers = [
            users[SCHOOLS + s * TEACHERS_PER_SCHOOL : SCHOOLS + (s + 1) * TEACHERS_PER_SCHOOL]
            for s in range(SCHOOLS)
        ]
        Membership.objects.bulk_create(
            [Membership(user=principals[s], school=schools[s], role="principal") for s in range(SCHOOLS)]
            + [
                Membership(user=t, school=schools[s], role="teacher")
                for s in range(SCHOOLS)
                for t in teachers[s]
            ],
            batch_size=5000,
        )
        classrooms = Classroom.objects.bulk_create(
            [
                Classroom(
                    school=schools[s],
                    academic_year=year,
                    grade=1 + c % 6,
                    number=1 + c // 6,
                    class_teacher=teachers[s][c],
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
                    student_number=f"V{room.pk:05d}{n:03d}",
                    name=f"学生{room.pk}-{n}",
                    gender="F" if n % 2 else "M",
                )
                for room in classrooms
                for n in range(PUPILS_PER_CLASS)
            ],
            batch_size=5000,
        )
        pupils_of_room: dict[int, list[Pupil]] = {}
        for pupil in pupils:
            pupils_of_room.setdefault(pupil.classroom_id or 0, []).append(pupil)
        rooms = [classrooms[s * CLASSES_PER_SCHOOL : (s + 1) * CLASSES_PER_SCHOOL] for s in range(SCHOOLS)]

        # Cases: one pupil in five; the class teacher is the paired teacher half the time.
        states = [
            "identified",
            "planning",
            "awaiting_approval",
            "intervention",
            "home_visit",
            "review",
            "closed",
        ]
        cases = []
        for i in range(CASES):
            s = i % SCHOOLS
            c = rng.randrange(CLASSES_PER_SCHOOL)
            pupil = pupils_of_room[rooms[s][c].pk][rng.randrange(PUPILS_PER_CLASS)]
            owner = teachers[s][c] if i % 2 else teachers[s][rng.randrange(TEACHERS_PER_SCHOOL)]
            cases.append(
                Case(
                    pupil=pupil,
                    school_id=schools[s].pk,
                    owner=owner,
                    opened_by=owner,
                    summary="基准数据",
                    state=rng.choice(states),
                )
            )
        cases = Case.objects.bulk_create(cases, batch_size=5000)
        cases_of_owner: dict[int, list[Case]] = {}
        cases_of_school: dict[int, list[Case]] = {}
        for case in cases:
            cases_of_owner.setdefault(case.owner_id, []).append(case)
            cases_of_school.setdefault(case.school_id, []).append(case)
        SupportPlan.objects.bulk_create(
            [
                SupportPlan(
                    case=case, version=1, goals="基准目标", measures="基准措施", author_id=case.owner_id
                )
                for case in cases
                if case.state != "identified"
            ],
            batch_size=5000,
        )
        print(
            f"organisation: {SCHOOLS} schools, {len(users):,} staff, {len(pupils):,} pupils, {len(cases):,} cases"
        )

        # Visits: each teacher plans 50 — 40 recorded, 5 appointed, 5 awaiting an appointment.
        year_start = datetime.datetime.combine(campaign.starts_on, datetime.time(9), tzinfo=now.tzinfo)
        span = (now - datetime.timedelta(days=2) - year_start).total_seconds()
        text = "家庭情况基准文本。" * 8
        visits: list[HomeVisit] = []
        second: list[tuple[HomeVisit, int]] = []  # (visit, second teacher's id)
        for s in range(SCHOOLS):
            for t, teacher in enumerate(teachers[s]):
                own_room = rooms[s][t] if t < CLASSES_PER_SCHOOL else None
                for n in range(VISITS_PER_TEACHER):
                    case = None
                    if rng.random() >= CASELESS_SHARE:
                        mine = cases_of_owner.get(teacher.pk)
                        case = rng.choice(mine or cases_of_school[schools[s].pk])
                    if case is not None:
                        pupil_id = case.pupil_id
                    else:
                        room = own_room or rooms[s][rng.randrange(CLASSES_PER_SCHOOL)]
                        pupil_id = pupils_of_room[room.pk][rng.randrange(PUPILS_PER_CLASS)].pk
                    visit = HomeVisit(
                        school=schools[s],
                        pupil_id=pupil_id,
                        case=case,
                        kind="targeted" if case else "general",
                        planned_by=teacher,
                    )
                    if n < RECORDED_PER_TEACHER + APPOINTED_PER_TEACHER:
                        when = year_start + datetime.timedelta(seconds=rng.random() * span)
                        if n >= RECORDED_PER_TEACHER:  # appointed, within the next three weeks
                            when = now + datetime.timedelta(hours=rng.randrange(1, 21 * 24))
                        visit.scheduled_for = when
                        # Agreed a few days before, never in the future.
                        visit.appointment_agreed_at = min(when - datetime.timedelta(days=3), now)
                        visit.appointment_method = "phone"
                        visit.appointment_with = "家长"
                        visit.scheduled_by = teacher
                    if n < RECORDED_PER_TEACHER:
                        assert visit.scheduled_for is not None
                        visit.visited_at = visit.scheduled_for + datetime.timedelta(minutes=30)
                        visit.recorded_at = visit.visited_at + datetime.timedelta(hours=5)
                        visit.recorded_by = teacher
                        visit.no_gifts_pledge = True
                        for name in ("family_situation", "home_behaviour", "study_habits", "living_habits"):
                            setattr(visit, name, text)
                        visit.parents_opinions = "家长希望老师多关注孩子的学习。"
                        visit.measures_agreed = "每周电话沟通一次，家长督促按时完成作业。"
                        visit.reflection = "走进家庭才真正了解孩子。"
                    if rng.random() < SECOND_TEACHER_SHARE:
                        other = teachers[s][rng.randrange(1, TEACHERS_PER_SCHOOL)]
                        if other.pk != teacher.pk:
                            second.append((visit, other.pk))
                    visits.append(visit)
        # In real life the schools' visits are entered side by side as the year goes on: ids
        # interleave across schools and grow with time (planned ones, not yet appointed, last).
        rng.shuffle(visits)
        visits.sort(key=lambda v: v.appointment_agreed_at or now)
        visits = HomeVisit.objects.bulk_create(visits, batch_size=5000)
        VisitParticipant.objects.bulk_create(
            [VisitParticipant(visit=v, user_id=v.planned_by_id) for v in visits]
            + [VisitParticipant(visit=v, user_id=uid) for v, uid in second],
            batch_size=10_000,
        )

        # The other six ones, for the completion pages: roughly half the teachers have each.
        everyone = [t for row in teachers for t in row]
        handbook_teacher = teachers[0][0]
        VisitEssay.objects.bulk_create(
            [
                VisitEssay(
                    school_id=schools[i // TEACHERS_PER_SCHOOL].pk,
                    campaign=campaign,
                    author=t,
                    title=f"家访随笔{i}",
                    body="这次家访让我明白了陪伴的意义。" * 20,
                    written_on=today - datetime.timedelta(days=rng.randrange(1, 200)),
                )
                for i, t in enumerate(everyone)
                if i % 5 < 3 or t.pk == handbook_teacher.pk
            ],
            batch_size=5000,
        )
        meetings = ParentsMeeting.objects.bulk_create(
            [
                ParentsMeeting(
                    school=schools[s],
                    campaign=campaign,
                    held_on=today - datetime.timedelta(days=rng.randrange(1, 300)),
                    topic="家长座谈会",
                    attendees="家长、教师",
                    attendee_count=30,
                    minutes="基准纪要",
                    recorded_by=teachers[s][m * 3],
                )
                for s in range(SCHOOLS)
                for m in range(8)
            ]
        )
        ParentsMeeting.organisers.through.objects.bulk_create(
            [
                ParentsMeeting.organisers.through(
                    parentsmeeting_id=meeting.pk, user_id=teachers[i // 8][(i % 8) * 3 + k].pk
                )
                for i, meeting in enumerate(meetings)
                for k in range(3)
            ]
        )
        ActOfHelp.objects.bulk_create(
            [
                ActOfHelp(
                    school_id=schools[i // TEACHERS_PER_SCHOOL].pk,
                    campaign=campaign,
                    teacher=t,
                    pupil_id=pupils_of_room[rooms[i // TEACHERS_PER_SCHOOL][i % CLASSES_PER_SCHOOL].pk][0].pk,
                    done_on=today - datetime.timedelta(days=rng.randrange(1, 200)),
                    what="帮助购买学习用品",
                )
                for i, t in enumerate(everyone)
                if i % 2
            ],
            batch_size=5000,
        )
        Handbook.objects.bulk_create(
            [
                Handbook(
                    school_id=schools[i // TEACHERS_PER_SCHOOL].pk,
                    campaign=campaign,
                    teacher=t,
                    visit_count=RECORDED_PER_TEACHER,
                    pdf=b"%PDF-1.4 bench placeholder",
                    sha256="0" * 64,
                    compiled_at=now,
                )
                for i, t in enumerate(everyone)
                if i % 3 == 0 and t.pk != handbook_teacher.pk
            ],
            batch_size=5000,
        )
    with connection.cursor() as cursor:
        # Real records are written over the year, not in the same second.
        cursor.execute(
            "UPDATE casework_case SET created_at = now() - interval '400 days' "
            "WHERE school_id IN (SELECT id FROM schools_school WHERE bureau_id = %s)",
            [bureau.pk],
        )
        cursor.execute(
            "UPDATE casework_case SET closed_at = now() - (random() * interval '300 days'), "
            "closure_outcome = 'improved' WHERE state = 'closed' AND closed_at IS NULL "
            "AND school_id IN (SELECT id FROM schools_school WHERE bureau_id = %s)",
            [bureau.pk],
        )
        cursor.execute(
            "UPDATE casework_supportplan SET created_at = %s + (random() * (now() - %s)) "
            "WHERE case_id IN (SELECT id FROM casework_case WHERE school_id IN "
            "(SELECT id FROM schools_school WHERE bureau_id = %s))",
            [year_start, year_start, bureau.pk],
        )
        cursor.execute(
            "UPDATE casework_homevisit SET created_at = COALESCE(appointment_agreed_at, now()) - interval '7 days' "
            "WHERE school_id IN (SELECT id FROM schools_school WHERE bureau_id = %s)",
            [bureau.pk],
        )
        cursor.execute("ANALYZE")
    print(
        f"built {len(visits):,} visits ({len(second):,} with a second teacher) "
        f"in {time.perf_counter() - started:.1f} s"
    )


def _queries(call: Callable[[], object]) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured)


def _get(client: object, url: str) -> Callable[[], object]:
    def call() -> object:
        response = client.get(url)  # type: ignore[attr-defined]
        assert response.status_code == 200, (url, response.status_code, response.content[:300])
        return response

    return call


def _runs(label: str, call: Callable[[], object], runs: int) -> tuple[float, object]:
    call()  # warm-up: fonts, openpyxl and reportlab are loaded on first use
    samples = []
    result: object = None
    for _ in range(runs):
        start = time.perf_counter()
        result = call()
        samples.append((time.perf_counter() - start) * 1000)
    median = statistics.median(samples)
    print(f"{label:<44} median {median:8.1f} ms   max {max(samples):8.1f} ms   (n={runs})")
    return median, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=30, help="requests per page")
    parser.add_argument("--runs", type=int, default=3, help="runs of each handbook / export")
    parser.add_argument("--drop", action="store_true", help="drop the benchmark database at the end")
    args = parser.parse_args()
    setup_django()
    build()

    from django.test import Client

    from accounts.models import User
    from accounts.services import api_token_issue
    from casework.selectors import visit_list_for_user
    from evidence.services import evidence_teacher_export
    from schools.models import Campaign, School
    from sixones.handbook import handbook_visits
    from sixones.services import handbook_compile

    teacher = User.objects.get(username=HANDBOOK_TEACHER)
    principal = User.objects.get(username="bvis_p0")
    inspector = User.objects.get(username="bvis_inspector")
    school = School.objects.get(code="BVIS000")
    campaign = Campaign.objects.filter(bureau_id=school.bureau_id).order_by("-year").first()
    assert campaign is not None
    print(
        f"visible visits: teacher {visit_list_for_user(user=teacher).count():,}, "
        f"principal {visit_list_for_user(user=principal).count():,}, "
        f"inspector {visit_list_for_user(user=inspector).count():,}"
    )

    pages: list[tuple[str, User, str, bool]] = [
        ("GET /visits/ (teacher: my visits)", teacher, "/visits/", False),
        ("GET /visits/?scope=all (principal)", principal, "/visits/?scope=all", False),
        ("GET /visits/?scope=all&page=20 (principal)", principal, "/visits/?scope=all&page=20", False),
        ("GET /api/v1/visits/ (teacher)", teacher, "/api/v1/visits/", True),
        ("GET /api/v1/visits/ (principal)", principal, "/api/v1/visits/", True),
        ("GET /api/v1/visits/?page=20 (principal)", principal, "/api/v1/visits/?page=20", True),
        ("GET /api/v1/visits/ (inspector)", inspector, "/api/v1/visits/", True),
        ("GET /sixones/completion/city/ (inspector)", inspector, "/sixones/completion/city/", False),
        ("GET /sixones/completion/BVIS000/ (principal)", principal, "/sixones/completion/BVIS000/", False),
    ]
    for label, user, url, api in pages:
        if api:
            _token, key = api_token_issue(user=user, name="bench")
            client = Client(headers={"authorization": f"Token {key}"})
        else:
            client = Client()
            client.force_login(user)
        call = _get(client, url)
        queries = _queries(call)
        result = measure(label, call, repeat=args.repeat, warmup=3)
        print(f"{'':<44} queries {queries}   median {result['median_ms']:.1f} ms")

    visits = handbook_visits(teacher=teacher, campaign=campaign).count()
    _median, handbook = _runs(
        f"handbook compile ({visits} recorded visits)",
        partial(handbook_compile, user=teacher, campaign_id=campaign.pk, school_id=school.pk),
        args.runs,
    )
    print(f"{'':<44} PDF {len(bytes(handbook.pdf)):,} bytes")  # type: ignore[attr-defined]
    for export_format in ("xlsx", "pdf"):
        _median, exported = _runs(
            f"evidence teacher export ({export_format})",
            partial(
                evidence_teacher_export,
                teacher_id=teacher.pk,
                year=str(campaign.year),
                export_format=export_format,
                user=teacher,
            ),
            args.runs,
        )
        print(f"{'':<44} {export_format.upper()} {len(exported.content):,} bytes, {exported.rows} rows")  # type: ignore[attr-defined]

    if args.drop:
        import psycopg
        from django.db import connections
        from psycopg import sql

        connections.close_all()
        name = str(psycopg.conninfo.conninfo_to_dict(BENCH_DATABASE_URL)["dbname"])
        with psycopg.connect(BENCH_DATABASE_URL, dbname="postgres", autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
        print(f"dropped {name}")


if __name__ == "__main__":
    main()
