"""The audit browser for people (issue 13): labels, readable summaries with names, filters by a
person's name, by an action picked from a list, by school and date, and exports in the reader's
language. Codes stay in the API."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from openpyxl import load_workbook

from audit.actions import action_label
from audit.models import AuditEvent
from audit.services import audit_record
from audit_browser import exports
from casework.models import Case
from schools.models import Membership
from tests.api.helpers import api_client
from tests.builders import approve_plan, open_case, submit_plan
from tests.factories import PupilFactory, UserFactory

LIST_URL = "/audit/"
CSV_URL = "/audit/export.csv"
XLSX_URL = "/audit/export.xlsx"
API_URL = "/api/v1/audit/events/"
ZH = {"accept-language": "zh-hans"}
EN = {"accept-language": "en"}
APPROVE = "case.transition:approve_plan"


def rows_of(html: str) -> dict[int, str]:
    """Each listed event's row, by id."""
    found = {}
    for match in re.finditer(r'<tr data-event="(\d+)"', html):
        rest = html[match.start() :]
        found[int(match.group(1))] = rest[: rest.index("</tr>")]
    return found


@pytest.fixture
def approved(world) -> Case:
    """李红梅 (the class teacher) submits a plan for 张三; 王淑芬 (the principal) approves it."""
    world.owner.full_name = "李红梅"
    world.owner.save(update_fields=["full_name"])
    world.principal.full_name = "王淑芬"
    world.principal.save(update_fields=["full_name"])
    case = open_case(world.classroom, by=world.owner, pupil_name="张三")
    submit_plan(case, by=world.owner)
    approve_plan(case, by=world.principal, comment="同意")
    return case


def _event(action: str, **where: Any) -> AuditEvent:
    return AuditEvent.objects.get(action="case.transition", detail__transition=action, **where)


# --- finding a transition -----------------------------------------------------------------------


def test_the_inspector_finds_a_transition_by_a_teachers_chinese_name(world, approved, client: Client) -> None:
    client.force_login(world.inspector)
    submitted = _event("submit_plan")
    for name in ("李红梅", "红梅", "owner"):
        html = client.get(LIST_URL, {"actor": name}, headers=ZH).content.decode()
        rows = rows_of(html)
        assert submitted.pk in rows, name
        assert all(AuditEvent.objects.get(pk=pk).actor_id == world.owner.pk for pk in rows), name
    # The principal's approval is not the teacher's.
    assert _event("approve_plan").pk not in rows_of(
        client.get(LIST_URL, {"actor": "李红梅"}).content.decode()
    )


def test_a_name_kept_as_family_and_given_name_is_found_in_chinese_order(world, client: Client) -> None:
    teacher = UserFactory.create(username="lhm", full_name="", last_name="李", first_name="红梅")
    event = audit_record(action="case.viewed", actor=teacher, school_id=world.school.pk)
    client.force_login(world.inspector)
    assert event.pk in rows_of(client.get(LIST_URL, {"actor": "李红梅"}).content.decode())
    assert rows_of(client.get(LIST_URL, {"actor": "王五"}).content.decode()) == {}


def test_the_action_list_offers_translated_labels_and_finds_the_approval(
    world, approved, client: Client
) -> None:
    client.force_login(world.inspector)
    html = client.get(LIST_URL, headers=ZH).content.decode()
    option = re.search(rf'<option value="{re.escape(APPROVE)}">([^<]*)</option>', html)
    assert option is not None and "批准" in option.group(1)
    assert '<option value="case.open">' in html  # every action is offered by its code
    assert "<optgroup" in html
    rows = rows_of(client.get(LIST_URL, {"action": APPROVE}, headers=ZH).content.decode())
    assert set(rows) == {_event("approve_plan").pk}
    # The approval found by the approver's Chinese name and the action from the list together.
    both = rows_of(client.get(LIST_URL, {"actor": "王淑芬", "action": APPROVE}).content.decode())
    assert set(both) == {_event("approve_plan").pk}
    assert rows_of(client.get(LIST_URL, {"actor": "李红梅", "action": APPROVE}).content.decode()) == {}


def test_school_and_dates_narrow_the_list(world, approved, client: Client) -> None:
    other = open_case(world.other_classroom, by=world.outsider)
    client.force_login(world.inspector)
    today = timezone.localdate().isoformat()
    html = client.get(LIST_URL, {"school": "B", "since": today, "until": today}).content.decode()
    assert set(rows_of(html)) == set(AuditEvent.objects.filter(case_id=other.pk).values_list("pk", flat=True))
    # The school list holds the schools the reader may see, by name.
    assert '<option value="A">第一实验小学 (A)</option>' in html
    assert rows_of(client.get(LIST_URL, {"until": "2000-01-01"}).content.decode()) == {}


# --- readable rows ------------------------------------------------------------------------------


def test_the_approval_row_reads_as_a_sentence_with_names(world, approved, client: Client) -> None:
    client.force_login(world.inspector)
    approval = _event("approve_plan")
    with translation.override("zh-hans"):
        row = rows_of(client.get(LIST_URL, {"action": APPROVE}, headers=ZH).content.decode())[approval.pk]
        assert "批准方案" in row  # the step, in words
        assert f"帮扶个案 #{approved.pk}（张三）" in row  # the record by name, not "casework.case #…"
        assert "<del>待审批</del> → <ins>帮扶实施</ins>" in row  # the state, old → new, translated
        assert "同意" in row  # the comment
        assert "王淑芬" in row
        assert "awaiting_approval" not in row.split("<details>")[0]  # no codes outside the technical part
        assert "school:" not in row.split("<details>")[0]


def test_ids_in_the_detail_become_names(world, approved, client: Client) -> None:
    event = audit_record(
        action="case.reassigned",
        actor=world.principal,
        target=approved,
        case_id=approved.pk,
        school_id=world.school.pk,
        detail={"old_owner": world.owner.pk, "new_owner": world.colleague.pk, "reason": "调岗", "tasks": 2},
    )
    world.colleague.full_name = "赵老师"
    world.colleague.save(update_fields=["full_name"])
    client.force_login(world.inspector)
    row = rows_of(client.get(LIST_URL, {"case": approved.pk}, headers=EN).content.decode())[event.pk]
    assert "Handed cases over" in row
    assert "李红梅" in row and "赵老师" in row and "调岗" in row


def test_an_escalation_and_a_leaving_read_in_words_with_names(world, approved, client: Client) -> None:
    """Whom a task was escalated to, whom a leaver handed over to: names, labels and role names,
    not ids and keys."""
    world.colleague.full_name = "赵老师"
    world.colleague.save(update_fields=["full_name"])
    escalated = audit_record(
        action="task.escalated",
        actor=None,
        case_id=approved.pk,
        school_id=world.school.pk,
        detail={"escalated_to": [world.principal.pk], "days_overdue": 9},
    )
    left = audit_record(
        action="staff.left",
        actor=world.principal,
        school_id=world.school.pk,
        detail={"user": world.owner.pk, "handover_to": world.colleague.pk, "roles": ["teacher"]},
    )
    client.force_login(world.inspector)
    rows = rows_of(client.get(LIST_URL, headers=EN).content.decode())

    def summary(pk: int) -> str:  # the "what changed" cell (the technical detail keeps the codes)
        return rows[pk].split('data-audit="summary">', 1)[1].split("</td>", 1)[0]

    assert "Escalated to" in summary(escalated.pk) and "王淑芬" in summary(escalated.pk)
    assert "Days overdue" in summary(escalated.pk) and "escalated_to" not in summary(escalated.pk)
    assert "赵老师" in summary(left.pk) and "handover_to" not in summary(left.pk)
    assert "Roles" in summary(left.pk)
    chinese = rows_of(client.get(LIST_URL, headers=ZH).content.decode())[left.pk]
    with translation.override("zh-hans"):
        role = str(Membership.Role.TEACHER.label)
    assert role != "teacher" and role in chinese.split('data-audit="summary">', 1)[1].split("</td>", 1)[0]


def test_a_pupil_is_named_only_within_the_readers_scope(world, client: Client) -> None:
    """A principal of school A reads an event of school A that names a pupil of school B: the
    pupil is shown by number only."""
    pupil_b = PupilFactory.create(classroom=world.other_classroom, name="外校生")
    pupil_a = PupilFactory.create(classroom=world.classroom, name="本校生")
    event = audit_record(
        action="consent.recorded",
        actor=world.owner,
        target=pupil_a,
        school_id=world.school.pk,
        detail={"pupil": pupil_b.pk, "new": {"pupil": pupil_a.pk}},
    )
    client.force_login(world.principal)
    row = rows_of(client.get(LIST_URL, headers=EN).content.decode())[event.pk]
    assert "本校生" in row
    assert "外校生" not in row and f"#{pupil_b.pk}" in row
    client.force_login(world.inspector)  # the bureau's inspector sees both schools
    assert "外校生" in rows_of(client.get(LIST_URL, headers=EN).content.decode())[event.pk]


def test_a_counselling_event_shows_no_note_reference(world, client: Client) -> None:
    case = open_case(world.classroom, by=world.owner, categories=("psychological",))
    event = audit_record(
        action="care.counselling_session_create",
        actor=world.counsellor,
        target=case,
        case_id=case.pk,
        school_id=world.school.pk,
        detail={
            "new": {"held_on": "2026-11-02", "attendance": "attended", "duration_minutes": 40, "note": 987654}
        },
    )
    client.force_login(world.inspector)
    row = rows_of(client.get(LIST_URL, headers=EN).content.decode())[event.pk]
    summary = row.split("<details>")[0]
    assert "Recorded a counselling session" in summary and "2026-11-02" in summary
    assert "987654" not in summary  # an id no other part of the row can hold by chance


def _mixed_events(world, count: int) -> None:
    """``count`` events of every kind the names are read for: cases, pupils, visits' kin, people."""
    cases = [open_case(world.classroom, by=world.owner) for _ in range(2)]
    for i in range(count):
        case = cases[i % 2]
        audit_record(
            action=["case.viewed", "case.reassigned", "consent.recorded", "pupil.viewed", "bureau.review"][
                i % 5
            ],
            actor=world.owner,
            target=case if i % 2 else case.pupil,
            case_id=case.pk if i % 2 else None,
            school_id=world.school.pk if i % 5 != 4 else None,
            detail={"pupil_id": case.pupil_id, "old_owner": world.owner.pk, "school": world.school.pk},
        )


def _queries(client: Client, url: str, params: dict[str, str] | None = None) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("url", [LIST_URL, API_URL])
def test_the_names_cost_the_same_queries_for_5_or_50_events(world, url) -> None:
    client = api_client(world.inspector) if url == API_URL else Client()
    if url == LIST_URL:
        client.force_login(world.inspector)
    _mixed_events(world, 5)
    _queries(client, url)  # once before: a token's first use of the minute is written down
    few = _queries(client, url)
    _mixed_events(world, 45)
    assert AuditEvent.objects.count() >= 50
    many = _queries(client, url)
    assert few == many, connection.queries


def test_the_export_reads_names_once_per_chunk(world, client: Client) -> None:
    client.force_login(world.inspector)
    _mixed_events(world, 5)
    few = _queries(client, CSV_URL)
    _mixed_events(world, 45)
    assert _queries(client, CSV_URL) == few


# --- filters that are wrong ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"action": "批准"}, "action"),
        ({"action": "case.transition:"}, "action"),
        ({"since": "2026-13-45"}, "since"),
        ({"since": "2026-11-30", "until": "2026-11-01"}, "until"),
        ({"school": "ZZZ"}, "school"),
        ({"actor": "李" * 151}, "actor"),
        ({"case": "abc"}, "case"),
    ],
)
def test_a_bad_filter_is_a_form_error(world, approved, client: Client, params, field) -> None:
    client.force_login(world.inspector)
    response = client.get(LIST_URL, params, headers=EN)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'class="errorlist' in html and rows_of(html) == {}
    assert response.context["form"].errors.get(field)
    assert client.get(CSV_URL, params).status_code == 400
    api = api_client(world.inspector).get(API_URL, params)
    assert api.status_code == 400 and field in api.json()["errors"]


# --- exports ------------------------------------------------------------------------------------


def _csv(response: Any) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


def test_csv_headings_and_labels_in_chinese(world, approved, client: Client) -> None:
    client.force_login(world.inspector)
    rows = _csv(client.get(CSV_URL, {"action": APPROVE}, headers=ZH))
    heading = rows[0]
    assert heading[1] == "时间" and heading[3] == "操作人" and heading[5] == "对象类型"
    assert heading[15] == "哈希值" and heading[16] == "操作"
    with translation.override("zh-hans"):
        assert heading == exports.headings()
    (row,) = rows[1:]
    assert row[4] == "case.transition"  # the code stays, for machines
    with translation.override("zh-hans"):
        assert row[16] == action_label("case.transition")
    assert f"#{approved.pk}（张三）" in row[17]
    assert "批准方案" in row[18] and "待审批 → 帮扶实施" in row[18]
    assert json.loads(row[9])["transition"] == "approve_plan"  # the detail as it is


def test_csv_headings_in_english(world, approved, client: Client) -> None:
    client.force_login(world.inspector)
    rows = _csv(client.get(CSV_URL, {"action": APPROVE}, headers=EN))
    assert rows[0] == [
        "ID",
        "Time",
        "Actor id",
        "Actor",
        "Action code",
        "Target type",
        "Target id",
        "Case",
        "School code",
        "Detail (JSON)",
        "IP address",
        "User agent",
        "Chain",
        "Position in chain",
        "Previous hash",
        "Hash",
        "Action",
        "Record",
        "What changed",
    ]
    (row,) = rows[1:]
    assert row[16] == "Moved a case to its next step"
    assert row[18] == "Approve the plan; State: awaiting approval → intervention; Comment: 同意"


def test_xlsx_headings_in_the_readers_language(world, approved, client: Client) -> None:
    client.force_login(world.inspector)
    for headers, expected in ((ZH, "时间"), (EN, "Time")):
        response: Any = client.get(XLSX_URL, {"action": APPROVE}, headers=headers)
        workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
        rows = [list(row) for row in workbook.active.iter_rows(values_only=True)]
        assert rows[0][1] == expected
        assert rows[1][4] == "case.transition"
        assert "张三" in rows[1][17]


def test_readable_cells_are_neutralised_too(world, client: Client) -> None:
    event = audit_record(
        action="case.reassigned",
        actor=world.principal,
        school_id=world.school.pk,
        detail={"reason": "=1+1"},
    )
    client.force_login(world.inspector)
    rows = _csv(client.get(CSV_URL, {"action": "case.reassigned"}, headers=EN))
    (row,) = [r for r in rows[1:] if r[0] == str(event.pk)]
    for cell in row:
        assert not cell.startswith(("=", "+", "-", "@")), cell
    assert "=1+1" in row[18]


# --- the API keeps codes and adds labels -------------------------------------------------------


def test_the_api_keeps_codes_and_adds_labels(world, approved) -> None:
    response = api_client(world.inspector).get(API_URL, {"action": APPROVE}, headers=ZH)
    (row,) = response.json()["results"]
    assert row["action"] == "case.transition"
    assert row["detail"]["transition"] == "approve_plan"
    assert row["record"] == f"帮扶个案 #{approved.pk}（张三）"
    assert "待审批 → 帮扶实施" in row["summary"]
    with translation.override("zh-hans"):
        assert row["action_label"] == action_label("case.transition")
    english = api_client(world.inspector).get(API_URL, {"action": APPROVE}, headers=EN).json()["results"][0]
    assert english["action_label"] == "Moved a case to its next step"
    # The API's name search is the added actor_name; actor keeps its exact meaning (v1 is a contract).
    client = api_client(world.inspector)
    assert client.get(API_URL, {"actor_name": "李红梅"}).json()["count"] >= 3
    assert client.get(API_URL, {"actor": "李红梅"}).json()["count"] == 0
    by_both = client.get(API_URL, {"actor": world.owner.username, "actor_name": "红梅"}).json()["count"]
    assert by_both == client.get(API_URL, {"actor_name": "李红梅"}).json()["count"]


# --- the plan of the person filter --------------------------------------------------------------


def _nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", []):
        yield from _nodes(child)


@pytest.mark.postgres_only
def test_the_person_filter_reads_the_trail_through_an_index(world) -> None:
    """The inspector's city-wide view, filtered by a name: the name is looked up among the users
    (a small table), then the trail is read by (actor, time), not scanned."""
    from audit_browser.filters import AuditFilterForm
    from audit_browser.selectors import audit_event_list_for_user

    world.owner.full_name = "李红梅"
    world.owner.save(update_fields=["full_name"])
    now = timezone.now()
    AuditEvent.objects.bulk_create(
        AuditEvent(
            occurred_at=now,
            actor=world.colleague,
            actor_label="colleague",
            action="case.viewed",
            school=world.school,
            chain="bench",
            seq=i + 1,
        )
        for i in range(4000)
    )
    audit_record(action="case.viewed", actor=world.owner, school_id=world.school.pk)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE audit_auditevent")
    form = AuditFilterForm({"actor_name": "红梅"})
    assert form.is_valid()
    events = audit_event_list_for_user(user=world.inspector, filters=form.filters())[:50]
    assert len(list(events)) == 1
    sql, params = events.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        (raw,) = cursor.fetchone()
    plan = (json.loads(raw) if isinstance(raw, str) else raw)[0]["Plan"]
    on_events = [
        (node["Node Type"], node.get("Index Name", ""))
        for node in _nodes(plan)
        if node.get("Relation Name") == "audit_auditevent" or node.get("Index Name", "").startswith("audit_")
    ]
    assert on_events and all(kind != "Seq Scan" for kind, _ in on_events), on_events
