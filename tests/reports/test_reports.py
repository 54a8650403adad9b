"""The school and city reports: figures on a known dataset, suppression, charts, people, CSV, audit."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditEvent
from casework.models import State
from core.csv import neutralise
from schools.models import Membership
from tests.builders import drive_to, open_case
from tests.casework.helpers import add_staff, personas
from tests.factories import ClassroomFactory, PupilFactory, SchoolFactory
from tests.reports.helpers import row, tables

STATES = ["identified", "planning", "awaiting approval", "intervention", "home visit", "review", "closed"]
SCHOOL_URL = "/reports/schools/A/"
CITY_URL = "/reports/city/"


def get(client: Client, user, url: str, status: int = 200):
    client.force_login(user)
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == status, (user.username, url, response.status_code)
    return response


def html_at(client, user, url, when):
    with time_machine.travel(when, tick=False):
        return get(client, user, url).content.decode()


@pytest.mark.postgres_only
def test_the_principal_reads_exact_figures(world, dataset, client):
    html = html_at(client, world.principal, SCHOOL_URL, dataset.t0 + datetime.timedelta(days=10))

    assert tables(html)["cases_by_category"][0][1:] == [*STATES, "Total"]
    assert row(html, "cases_by_category", "academic difficulty") == ["0", "0", "0", "0", "0", "3", "1", "4"]
    assert row(html, "cases_by_category", "poverty") == ["1", "0", "1", "0", "0", "0", "1", "3"]
    assert row(html, "cases_by_category", "psychological") == ["0"] * 8
    assert row(html, "cases_by_category", "All cases") == ["1", "0", "1", "0", "0", "3", "1", "6"]
    assert row(html, "coverage", world.classroom.label) == ["12", "4", "33%"]
    assert row(html, "coverage", "Total") == ["12", "4", "33%"]
    assert row(html, "awaiting", "This school") == ["1", "10", "10"]
    assert row(html, "overdue", "Plans awaiting approval for more than 7 days") == ["1"]
    assert row(html, "overdue", "Cases without a plan after 14 days") == ["0"]
    assert row(html, "overdue", "Reviews not decided after 14 days") == ["0"]
    # The approval (due in 7 days) and the identified case's draft plan (7 days) are past due.
    assert row(html, "overdue", "Tasks past their due date") == ["2"]
    assert row(html, "closures", "clearly improved") == ["1"]
    assert row(html, "closures", "Total") == ["1"]
    # The waiting case by name, inside the school only.
    waiting = tables(html)["awaiting_cases"]
    assert len(waiting) == 2
    assert waiting[1][1] == dataset.awaiting.pupil.name
    assert 'data-suppressed="no"' in html
    assert not AuditEvent.objects.filter(action="report.viewed").exists()  # it stays in the school


@pytest.mark.postgres_only
def test_overdue_work_after_three_weeks(world, dataset, client):
    html = html_at(client, world.principal, SCHOOL_URL, dataset.t0 + datetime.timedelta(days=20))
    assert row(html, "overdue", "Plans awaiting approval for more than 7 days") == ["1"]
    assert row(html, "overdue", "Cases without a plan after 14 days") == ["1"]
    assert row(html, "overdue", "Reviews not decided after 14 days") == ["3"]
    assert row(html, "overdue", "Home visits not written up 3 days after the appointment") == ["0"]
    # ... and the three reviews (due in 14 days).
    assert row(html, "overdue", "Tasks past their due date") == ["5"]
    assert row(html, "awaiting", "This school") == ["1", "20", "20"]


@pytest.mark.postgres_only
def test_the_inspector_reads_the_same_report_with_small_numbers_hidden(world, dataset, client):
    html = html_at(client, world.inspector, SCHOOL_URL, dataset.t0 + datetime.timedelta(days=10))

    assert row(html, "cases_by_category", "academic difficulty") == [
        "0",
        "0",
        "0",
        "0",
        "0",
        "<5",
        "<5",
        "<5",
    ]
    assert row(html, "cases_by_category", "poverty") == ["<5", "0", "<5", "0", "0", "0", "<5", "<5"]
    assert row(html, "cases_by_category", "All cases") == ["<5", "0", "<5", "0", "0", "<5", "<5", "6"]
    # A class with 4 visited pupils: "<5" to the inspector, and the share withheld with it.
    assert row(html, "coverage", world.classroom.label) == ["12", "<5", "*"]
    assert row(html, "awaiting", "This school") == ["<5", "*", "*"]
    assert row(html, "closures", "clearly improved") == ["<5"]
    assert "awaiting_cases" not in tables(html)
    for case in [*dataset.review, dataset.closed, dataset.awaiting, dataset.identified]:
        assert case.pupil.name not in html
    assert "33%" not in html
    assert 'data-suppressed="yes"' in html
    event = AuditEvent.objects.get(action="report.viewed")
    assert event.actor == world.inspector
    assert event.school_id == world.school.pk
    assert event.detail == {
        "report": "school",
        "bureau": "city",
        "school": "A",
        "year": world.classroom.academic_year.name,
        "suppressed": True,
    }


@pytest.mark.postgres_only
def test_charts_are_inline_svg_and_never_draw_a_hidden_value(world, dataset, client):
    when = dataset.t0 + datetime.timedelta(days=10)
    exact = html_at(client, world.principal, SCHOOL_URL, when)
    hidden = html_at(client, world.inspector, SCHOOL_URL, when)
    for html in (exact, hidden):
        assert html.count("<svg") == 4  # cases, coverage, overdue, closures
        assert 'role="img"' in html and "<title id=" in html and "<desc id=" in html
        assert ">academic difficulty</text>" in html and ">poverty</text>" in html
        assert f">{world.classroom.label}</text>" in html
        assert not re.search(r"<script(?![^>]*\ssrc=)", html)  # no inline script; the site module only
        assert "http://" not in html.replace("http://www.w3.org/2000/svg", "")
    assert "<title>review: 3</title>" in exact
    assert "<title>review: &lt;5</title>" in hidden
    assert "review: 3" not in hidden
    assert 'data-bar="withheld"' in hidden and 'data-bar="withheld"' not in exact


@pytest.mark.postgres_only
def test_the_city_report_has_one_row_per_school_suppressed(world, dataset, client):
    html = html_at(client, world.inspector, CITY_URL, dataset.t0 + datetime.timedelta(days=10))
    a, b = world.school.name, world.other_school.name
    assert row(html, "cases_by_school", a) == ["<5", "0", "<5", "0", "0", "<5", "<5", "6"]
    assert row(html, "cases_by_school", b) == ["0"] * 8
    assert row(html, "cases_by_school", "All schools") == ["<5", "0", "<5", "0", "0", "<5", "<5", "6"]
    assert row(html, "coverage", a) == ["12", "<5", "*"]
    assert row(html, "coverage", b) == ["0", "0", "–"]
    assert row(html, "coverage", "Total") == ["12", "<5", "*"]
    assert row(html, "awaiting", a) == ["<5", "*", "*"]
    assert row(html, "closures", a)[1] == "<5"  # clearly improved
    assert reverse("reports:school", args=["A"]) in html
    assert dataset.awaiting.pupil.name not in html
    event = AuditEvent.objects.get(action="report.viewed")
    assert event.school_id is None and event.detail["report"] == "city"
    # Tasks past their due date, per school, suppressed like the rest: 2 on day 10, 5 on day 20.
    assert tables(html)["overdue"][0][-1] == "Tasks past their due date"
    assert row(html, "overdue", a)[-1] == "<5"
    assert row(html, "overdue", b)[-1] == "0"
    later = html_at(client, world.inspector, CITY_URL, dataset.t0 + datetime.timedelta(days=20))
    assert row(later, "overdue", a)[-1] == "5"
    assert row(later, "overdue", "All schools")[-1] == "5"


@pytest.mark.postgres_only
def test_complementary_suppression_in_the_coverage_table(world, client):
    """Two classes: 2 and 6 pupils visited. With the total shown, the 6 must go too."""
    other = ClassroomFactory.create(school=world.school, grade=5, number=2)
    for classroom, pupils, visited in [(world.classroom, 20, 2), (other, 40, 6)]:
        for _ in range(visited):
            drive_to(open_case(classroom, by=world.colleague), State.REVIEW, leader=world.principal)
        for _ in range(pupils - visited):
            PupilFactory.create(classroom=classroom)
    html = get(client, world.inspector, SCHOOL_URL).content.decode()
    assert row(html, "coverage", world.classroom.label) == ["20", "<5", "*"]
    assert row(html, "coverage", other.label) == ["40", "*", "*"]
    assert row(html, "coverage", "Total") == ["60", "8", "13%"]
    exact = get(client, world.principal, SCHOOL_URL).content.decode()
    assert row(exact, "coverage", other.label) == ["40", "6", "15%"]


PERSONA_STATUS = {
    "principal": 200,
    "vice_principal": 200,
    "school_admin": 200,
    "inspector": 200,
    "owner": 403,  # staff of the school, not a reader of its report
    "class_teacher": 403,
    "bystander": 403,
    "counsellor": 403,
    "custodian": 403,
    "outsider": 404,
    "other_counsellor": 404,
    "other_inspector": 404,
    "superuser": 404,
    "super_principal": 200,  # as principal, not as superuser
}


@pytest.mark.parametrize(("persona", "status"), PERSONA_STATUS.items())
def test_who_reads_the_school_report(world, client, persona, status):
    people = personas(world)
    response = get(client, people[persona], SCHOOL_URL, status)
    export = get(client, people[persona], SCHOOL_URL + "export.csv", status)
    if status == 200:
        assert export["Content-Type"].startswith("text/csv")
    else:
        assert not AuditEvent.objects.filter(action__startswith="report.").exists()
    if status == 403:
        assert 'data-page="forbidden"' in response.content.decode()


CITY_STATUS = dict.fromkeys(PERSONA_STATUS, 403) | {"inspector": 200, "other_inspector": 200}


@pytest.mark.parametrize(("persona", "status"), CITY_STATUS.items())
def test_who_reads_the_city_report(world, client, persona, status):
    people = personas(world)
    get(client, people[persona], CITY_URL, status)
    get(client, people[persona], CITY_URL + "export.csv", status)


def test_another_bureau_an_unknown_school_or_year_is_404(world, client):
    people = personas(world)
    get(client, people["other_inspector"], CITY_URL + "?bureau=city", 404)
    get(client, world.inspector, CITY_URL + "?bureau=elsewhere", 404)
    get(client, world.principal, "/reports/schools/NOPE/", 404)
    get(client, world.principal, SCHOOL_URL + "?year=1999-2000", 404)


@pytest.mark.smoke
def test_anonymous_visitors_are_sent_to_log_in_and_other_methods_are_refused(world, client):
    for url in ["/reports/", SCHOOL_URL, SCHOOL_URL + "export.csv", CITY_URL, CITY_URL + "export.csv"]:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(world.principal)
    assert client.post(SCHOOL_URL).status_code == 405
    assert client.post(SCHOOL_URL + "export.csv").status_code == 405
    client.force_login(world.inspector)
    assert client.post(CITY_URL).status_code == 405
    assert client.delete(CITY_URL + "export.csv").status_code == 405


@pytest.mark.postgres_only
def test_the_csv_export_matches_the_page_and_is_audited(world, dataset, client):
    when = dataset.t0 + datetime.timedelta(days=10)
    with time_machine.travel(when, tick=False):
        exact = get(client, world.principal, SCHOOL_URL + "export.csv")
        hidden = get(client, world.inspector, SCHOOL_URL + "export.csv")
    assert "report-A-" in exact["Content-Disposition"]
    body = exact.content.decode("utf-8")
    assert body.startswith("\ufeff")
    lines = body.lstrip("\ufeff").splitlines()
    assert lines[0] == "Section,Table,Row,Column,Value"
    assert f'Home-visit coverage,"Home-visit coverage, {world.classroom.academic_year.name}",' in body
    assert f",{world.classroom.label},Pupils visited,4" in body
    assert f",{world.classroom.label},Coverage,33%" in body
    assert f"Case {dataset.awaiting.pk},Days waiting,10" in body
    assert dataset.awaiting.pupil.name not in body  # no names even in the school's own file

    suppressed = hidden.content.decode("utf-8")
    assert f",{world.classroom.label},Pupils visited,<5" in suppressed
    assert f",{world.classroom.label},Coverage,*" in suppressed
    assert "Days waiting" not in suppressed

    events = AuditEvent.objects.filter(action="report.exported").order_by("id")
    assert [e.actor for e in events] == [world.principal, world.inspector]
    assert [e.detail["suppressed"] for e in events] == [False, True]
    assert all(e.school_id == world.school.pk and e.detail["school"] == "A" for e in events)


def test_csv_cells_cannot_run_as_formulas(world, client):
    world.other_school.name = '=HYPERLINK("http://x")'
    world.other_school.save(update_fields=["name"])
    body = get(client, world.inspector, CITY_URL + "export.csv").content.decode("utf-8")
    assert "'=HYPERLINK" in body
    assert ",=HYPERLINK" not in body
    for start in ["=", "+", "-", "@", "\t", "\r"]:
        assert neutralise(f"{start}1") == f"'{start}1"
    assert neutralise("<5") == "<5"


@pytest.mark.postgres_only
def test_the_city_report_costs_the_same_queries_for_more_schools_and_cases(world, client):
    def queries() -> int:
        client.force_login(world.inspector)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(CITY_URL).status_code == 200
        return len(captured)

    drive_to(open_case(world.classroom, by=world.colleague), State.REVIEW, leader=world.principal)
    small = queries()
    for n in range(4):
        school = SchoolFactory.create(bureau=world.school.bureau, code=f"X{n}")
        teacher = add_staff(f"t{n}", school)
        add_staff(f"p{n}", school, Membership.Role.PRINCIPAL)
        classroom = ClassroomFactory.create(school=school, class_teacher=teacher)
        for _ in range(3):
            open_case(classroom, by=teacher)
    big = queries()
    assert big == small
    assert big <= 26  # session and user, roles, years, schools, 8 aggregates, the audit event


def test_home_page_links_to_the_reports_for_those_who_read_them(world, client):
    client.force_login(world.principal)
    assert reverse("reports:school", args=["A"]) in client.get("/accounts/home/").content.decode()
    client.force_login(world.inspector)
    assert 'data-link="city-report"' in client.get("/accounts/home/").content.decode()
    client.force_login(world.owner)
    home = client.get("/accounts/home/").content.decode()
    assert 'data-link="school-report"' not in home and 'data-link="city-report"' not in home
    assert 'data-nav="reports"' not in home  # no menu entry for those with no report to read
    assert 'data-nav="reports"' in get(client, world.principal, "/accounts/home/").content.decode()
    assert 'data-nav="reports"' in get(client, world.admin, "/accounts/home/").content.decode()
    assert 'data-nav="reports"' in get(client, world.inspector, "/accounts/home/").content.decode()
    # The index still answers anyone logged in, saying what there is.
    index = get(client, world.owner, "/reports/").content.decode()
    assert 'data-card="no-reports"' in index
    index = get(client, world.inspector, "/reports/").content.decode()
    assert reverse("reports:city") in index and reverse("reports:school", args=["B"]) in index
