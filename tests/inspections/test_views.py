"""Inspection pages per persona: it works; others refused (404/403); wrong method 405; CSRF; bad
input is a form error with nothing written; lists in a fixed number of queries."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from inspections.models import ChecklistItem, ChecklistResult, Inspection, Notice, Rectification
from tests.builders import open_case
from tests.factories import PupilFactory
from tests.inspections.helpers import (
    answered_rectification,
    draft_inspection,
    issue_notice,
    open_rectification,
    staff,
    submitted_inspection,
    today,
)

LIST = reverse("inspections:inspection_list")
CREATE = reverse("inspections:inspection_create")
RECTIFICATIONS = reverse("inspections:rectification_list")
NOTICES = reverse("inspections:notice_list")
NOTICE_NEW = reverse("inspections:notice_issue")


def as_user(client: Client, user) -> Client:
    client.force_login(user)
    return client


@pytest.mark.smoke
def test_an_inspector_creates_edits_and_submits_through_the_pages(world, client: Client) -> None:
    case = open_case(world.classroom, by=world.colleague)
    pupil = PupilFactory.create(classroom=world.classroom)
    as_user(client, world.inspector)
    assert client.get(CREATE).status_code == 200
    response = client.post(CREATE, {"school": world.school.pk, "inspected_on": today().isoformat()})
    inspection = Inspection.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("inspections:inspection_edit", args=[inspection.pk])

    edit = reverse("inspections:inspection_edit", args=[inspection.pk])
    page = client.get(edit)
    assert page.status_code == 200
    items = list(ChecklistItem.objects.filter(active=True))
    assert items[0].text in page.content.decode()
    data = {
        "inspected_on": today().isoformat(),
        "sampled_cases": [case.pk],
        "families_visited": [pupil.pk],
        "summary": "工作扎实",
        "rating": "good",
    }
    for item in items:
        data[f"result_{item.pk}"] = ChecklistResult.MET
        data[f"note_{item.pk}"] = ""
    data[f"note_{items[0].pk}"] = "方案齐全"
    assert client.post(edit, data).status_code == 302
    inspection.refresh_from_db()
    assert inspection.rating == "good"
    assert inspection.checklist.get(item=items[0]).note == "方案齐全"
    assert list(inspection.sampled_cases.all()) == [case]

    findings = reverse("inspections:finding_add", args=[inspection.pk])
    assert client.post(findings, {"text": "手册不全", "needs_rectification": "on"}).status_code == 302
    submit = reverse("inspections:inspection_submit", args=[inspection.pk])
    assert client.post(submit).status_code == 302
    inspection.refresh_from_db()
    assert inspection.state == Inspection.State.SUBMITTED

    finding = inspection.findings.get()
    deadline = (today() + datetime.timedelta(days=10)).isoformat()
    opened = client.post(
        reverse("inspections:rectification_open", args=[inspection.pk, finding.pk]), {"deadline": deadline}
    )
    rectification = Rectification.objects.get()
    assert opened["Location"] == reverse("inspections:rectification_detail", args=[rectification.pk])
    # Read-only from now on: the edit page sends the inspector back to the detail page.
    assert client.get(edit).status_code == 302


def test_bad_input_on_the_edit_page_is_a_form_error_and_nothing_is_written(world, client: Client) -> None:
    inspection = draft_inspection(world)
    elsewhere = open_case(world.other_classroom, by=world.outsider)
    as_user(client, world.inspector)
    before = AuditEvent.objects.count()
    response = client.post(
        reverse("inspections:inspection_edit", args=[inspection.pk]),
        {"inspected_on": "not a date", "sampled_cases": [elsewhere.pk], "summary": "不应保存"},
    )
    assert response.status_code == 400
    assert "inspected_on" in response.context["form"].errors
    assert "sampled_cases" in response.context["form"].errors
    inspection.refresh_from_db()
    assert inspection.summary == ""
    assert AuditEvent.objects.count() == before


def test_submitting_without_rating_shows_why(world, client: Client) -> None:
    inspection = draft_inspection(world)
    as_user(client, world.inspector)
    response = client.post(reverse("inspections:inspection_submit", args=[inspection.pk]))
    assert response.status_code == 400
    assert response.context["error"]
    inspection.refresh_from_db()
    assert inspection.state == Inspection.State.DRAFT


@pytest.mark.parametrize(
    ("persona", "detail_status"),
    [
        ("inspector", 200),
        ("principal", 200),
        ("vice_principal", 200),
        ("school_admin", 200),
        ("teacher", 404),
        ("colleague", 404),
        ("counsellor", 404),
        ("custodian", 404),
        ("outsider", 404),
        ("other_principal", 404),
        ("other_inspector", 404),
        ("superuser", 404),
    ],
)
def test_who_reads_a_submitted_inspection(world, client: Client, persona, detail_status) -> None:
    people = staff(world)
    inspection, _finding = submitted_inspection(world)
    as_user(client, people[persona])
    assert (
        client.get(reverse("inspections:inspection_detail", args=[inspection.pk])).status_code
        == detail_status
    )
    listed = client.get(LIST).context["page"].object_list
    assert (inspection in listed) == (detail_status == 200)


def test_a_draft_is_invisible_to_the_school(world, client: Client) -> None:
    inspection = draft_inspection(world)
    detail = reverse("inspections:inspection_detail", args=[inspection.pk])
    for user in (world.principal, world.admin):
        as_user(client, user)
        assert client.get(detail).status_code == 404
        assert list(client.get(LIST).context["page"].object_list) == []
    as_user(client, world.inspector)
    assert client.get(detail).status_code == 200


@pytest.mark.parametrize(
    "persona", ["principal", "school_admin", "teacher", "counsellor", "outsider", "superuser"]
)
def test_only_inspectors_get_the_create_and_issue_pages(world, client: Client, persona) -> None:
    people = staff(world)
    as_user(client, people[persona])
    assert client.get(CREATE).status_code == 403
    assert (
        client.post(CREATE, {"school": world.school.pk, "inspected_on": today().isoformat()}).status_code
        == 403
    )
    assert client.get(NOTICE_NEW, {"school": world.school.pk}).status_code == 403
    assert not Inspection.objects.exists()


def test_school_leaders_may_not_edit_or_submit(world, client: Client) -> None:
    inspection, finding = submitted_inspection(world)
    as_user(client, world.principal)
    assert client.get(reverse("inspections:inspection_edit", args=[inspection.pk])).status_code == 403
    assert client.post(reverse("inspections:inspection_submit", args=[inspection.pk])).status_code == 403
    response = client.post(
        reverse("inspections:rectification_open", args=[inspection.pk, finding.pk]),
        {"deadline": today().isoformat()},
    )
    assert response.status_code == 403
    assert not Rectification.objects.exists()


@pytest.mark.parametrize(
    ("url_name", "method"),
    [
        ("inspections:inspection_submit", "get"),
        ("inspections:finding_add", "get"),
        ("inspections:inspection_detail", "post"),
        ("inspections:inspection_list", "post"),
    ],
)
def test_wrong_methods_are_refused(world, client: Client, url_name, method) -> None:
    inspection = draft_inspection(world)
    args = [] if url_name.endswith("_list") else [inspection.pk]
    as_user(client, world.inspector)
    assert getattr(client, method)(reverse(url_name, args=args)).status_code == 405


def test_rectification_answer_page_and_wrong_method(world, client: Client) -> None:
    rectification = open_rectification(world)
    detail = reverse("inspections:rectification_detail", args=[rectification.pk])
    answer = reverse("inspections:rectification_answer", args=[rectification.pk])
    as_user(client, world.principal)
    page = client.get(detail)
    assert page.status_code == 200 and page.context["can_answer"]
    assert client.get(answer).status_code == 405
    empty = client.post(answer, {"response": "  "})
    assert empty.status_code == 400 and "response" in empty.context["answer_form"].errors
    assert client.post(answer, {"response": "已建立台账"}).status_code == 302
    rectification.refresh_from_db()
    assert rectification.state == Rectification.State.ANSWERED
    conflict = client.post(answer, {"response": "再答一次"})
    assert conflict.status_code == 409


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("inspector", 403),
        ("school_admin", 403),
        ("teacher", 404),
        ("colleague", 404),
        ("counsellor", 404),
        ("outsider", 404),
        ("other_principal", 404),
        ("superuser", 404),
    ],
)
def test_only_school_leaders_answer(world, client: Client, persona, status) -> None:
    people = staff(world)
    rectification = open_rectification(world)
    as_user(client, people[persona])
    url = reverse("inspections:rectification_answer", args=[rectification.pk])
    assert client.post(url, {"response": "x"}).status_code == status
    rectification.refresh_from_db()
    assert rectification.state == Rectification.State.OPEN


def test_the_inspector_returns_and_closes_through_the_page(world, client: Client) -> None:
    rectification = answered_rectification(world)
    as_user(client, world.inspector)
    returned = reverse("inspections:rectification_return", args=[rectification.pk])
    assert client.post(returned, {"comment": ""}).status_code == 400
    assert client.post(returned, {"comment": "材料不足"}).status_code == 302
    rectification.refresh_from_db()
    assert rectification.state == Rectification.State.OPEN
    as_user(client, world.principal)
    assert client.post(reverse("inspections:rectification_close", args=[rectification.pk])).status_code == 403


def test_csrf_is_enforced(world) -> None:
    rectification = open_rectification(world)
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.principal)
    response = client.post(
        reverse("inspections:rectification_answer", args=[rectification.pk]), {"response": "已整改"}
    )
    assert response.status_code == 403
    rectification.refresh_from_db()
    assert rectification.state == Rectification.State.OPEN


def test_overdue_rectifications_are_highlighted_and_filtered(world, client: Client, time_machine) -> None:
    late = open_rectification(world, days=2)
    on_time = open_rectification(world, days=30)
    time_machine.move_to(timezone.now() + datetime.timedelta(days=5))
    as_user(client, world.inspector)
    html = client.get(RECTIFICATIONS).content.decode()
    assert f'data-rectification="{late.pk}" class="overdue"' in html
    assert f'data-rectification="{on_time.pk}" class="overdue"' not in html
    overdue = client.get(RECTIFICATIONS, {"overdue": "on"}).context["page"].object_list
    assert list(overdue) == [late]
    with_overdue = client.get(LIST, {"overdue": "on"}).context["page"].object_list
    assert [i.pk for i in with_overdue] == [late.finding.inspection_id]
    home = client.get(reverse("portal:home")).content.decode()
    assert 'data-count="overdue" class="overdue">1<' in home


def test_notices_are_visible_to_named_teachers_only(world, client: Client) -> None:
    people = staff(world)
    named = issue_notice(world, teachers=[world.owner])
    unnamed = issue_notice(world)
    expectations = {
        "inspector": {named, unnamed},
        "principal": {named, unnamed},
        "school_admin": {named, unnamed},
        "teacher": {named},
        "colleague": set(),
        "outsider": set(),
        "other_principal": set(),
        "other_inspector": set(),
        "superuser": set(),
    }
    for persona, visible in expectations.items():
        as_user(client, people[persona])
        assert set(client.get(NOTICES).context["page"].object_list) == visible, persona
        for notice in (named, unnamed):
            status = client.get(reverse("inspections:notice_detail", args=[notice.pk])).status_code
            assert status == (200 if notice in visible else 404), persona


def test_a_notice_is_issued_and_withdrawn_through_the_pages(world, client: Client) -> None:
    inspection, _ = submitted_inspection(world)
    as_user(client, world.inspector)
    assert client.get(NOTICE_NEW).status_code == 200
    url = f"{NOTICE_NEW}?school={world.school.pk}"
    bad = client.post(
        url, {"kind": "commendation", "title": "", "text": "", "issued_on": today().isoformat()}
    )
    assert bad.status_code == 400 and not Notice.objects.exists()
    response = client.post(
        url,
        {
            "kind": "criticism",
            "title": "关于家访流于形式的通报",
            "text": "家访记录不实。",
            "issued_on": today().isoformat(),
            "teachers": [world.colleague.pk],
            "inspection": inspection.pk,
        },
    )
    notice = Notice.objects.get()
    assert response["Location"] == reverse("inspections:notice_detail", args=[notice.pk])
    assert list(notice.teachers.all()) == [world.colleague] and notice.inspection == inspection
    withdraw = reverse("inspections:notice_withdraw", args=[notice.pk])
    assert client.post(withdraw, {"reason": ""}).status_code == 400
    assert client.get(withdraw).status_code == 405
    as_user(client, world.colleague)
    assert client.post(withdraw, {"reason": "x"}).status_code == 403
    as_user(client, world.inspector)
    assert client.post(withdraw, {"reason": "误发"}).status_code == 302
    notice.refresh_from_db()
    assert notice.is_withdrawn
    assert (
        "data-withdrawn"
        in client.get(reverse("inspections:notice_detail", args=[notice.pk])).content.decode()
    )


def test_nav_and_home_card_for_inspectors_and_principals_only(world, client: Client) -> None:
    open_rectification(world)
    for user, shown in ((world.inspector, True), (world.principal, True), (world.owner, False)):
        html = as_user(client, user).get(reverse("portal:home")).content.decode()
        assert ('data-nav="inspections"' in html) == shown
        assert ('data-card="rectifications"' in html) == shown
    html = as_user(client, world.principal).get(reverse("portal:home")).content.decode()
    assert 'data-count="open">1<' in html


def count(client: Client, url: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        assert response.status_code == 200
    return len(queries), len(response.context["page"].object_list)


@pytest.mark.parametrize("persona", ["inspector", "principal"])
def test_lists_cost_the_same_queries_with_one_or_many_rows(
    world, client: Client, persona, django_assert_max_num_queries
) -> None:
    user = getattr(world, persona)
    open_rectification(world)
    issue_notice(world, teachers=[world.owner])
    as_user(client, user)
    small = {url: count(client, url) for url in (LIST, RECTIFICATIONS, NOTICES)}
    for _ in range(4):
        open_rectification(world)
        issue_notice(world, teachers=[world.owner, world.colleague])
    for url, (queries, rows) in small.items():
        more_queries, more_rows = count(client, url)
        assert more_rows == rows + 4, url
        assert more_queries == queries, url
    for url in (LIST, RECTIFICATIONS, NOTICES):
        with django_assert_max_num_queries(16):
            client.get(url)
