"""/audit/export.csv and /audit/export.xlsx: same visibility, formulas neutralised, every export audited."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client, override_settings
from openpyxl import load_workbook

from audit.models import AuditEvent
from audit.services import AuditContext, audit_record
from tests.audit.helpers import REFUSED
from tests.factories import UserFactory

CSV_URL = "/audit/export.csv"
XLSX_URL = "/audit/export.xlsx"


def as_user(client: Client, user) -> Client:
    client.force_login(user)
    return client


def csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def xlsx_rows(response) -> list[list[object]]:
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    return [list(row) for row in workbook.active.iter_rows(values_only=True)]


def exported_ids(rows) -> set[int]:
    return {int(row[0]) for row in rows[1:]}


@pytest.mark.smoke
def test_the_principal_exports_their_school_as_csv(world, trail, client: Client) -> None:
    response = as_user(client, world.principal).get(CSV_URL, headers={"accept-language": "en"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="audit-')
    rows = csv_rows(response)
    assert rows[0][:5] == ["ID", "Time", "Actor id", "Actor", "Action code"]
    export = AuditEvent.objects.get(action="audit.exported")
    assert exported_ids(rows) == trail.ids(school="A") - {export.pk}


def test_the_inspector_exports_the_bureau_as_xlsx(world, trail, client: Client) -> None:
    response = as_user(client, world.inspector).get(XLSX_URL, headers={"accept-language": "en"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    rows = xlsx_rows(response)
    assert rows[0][14:16] == ["Previous hash", "Hash"]
    assert exported_ids(rows) == trail.ids() - set(
        AuditEvent.objects.filter(action="audit.exported").values_list("pk", flat=True)
    )
    assert trail.bureau_event.pk in exported_ids(rows)


@pytest.mark.parametrize("url", [CSV_URL, XLSX_URL])
@pytest.mark.parametrize("persona", REFUSED)
def test_everyone_else_is_refused_and_nothing_is_recorded(world, trail, client: Client, url, persona) -> None:
    response = as_user(client, getattr(world, persona)).get(url)
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action="audit.exported").exists()


@pytest.mark.parametrize("url", [CSV_URL, XLSX_URL])
def test_anonymous_and_wrong_method(world, client: Client, url) -> None:
    assert client.get(url).status_code == 302
    assert as_user(client, world.inspector).post(url).status_code == 405


def test_the_principal_never_exports_the_other_school(world, trail, client: Client) -> None:
    as_user(client, world.principal)
    assert exported_ids(csv_rows(client.get(CSV_URL, {"school": "B"}))) == set()
    assert exported_ids(xlsx_rows(client.get(XLSX_URL, {"case": trail.case_b.pk}))) == set()


@pytest.mark.parametrize("url", [CSV_URL, XLSX_URL])
def test_the_export_is_recorded_before_it_is_sent(world, trail, client: Client, url) -> None:
    response = as_user(client, world.principal).get(url, {"case": trail.case_a.pk, "action": "case."})
    # The event exists before a single byte of the download has been read.
    event = AuditEvent.objects.get(action="audit.exported")
    fmt = url.rsplit(".", 1)[1]
    expected = AuditEvent.objects.filter(case_id=trail.case_a.pk, action__startswith="case.").exclude(
        pk=event.pk
    )
    assert event.detail == {
        "format": fmt,
        "filters": {"case": str(trail.case_a.pk), "action": "case."},
        "rows": expected.count(),
    }
    assert event.actor == world.principal
    assert event.case_id == trail.case_a.pk
    assert event.school_id == world.school.pk  # a principal's export belongs to their school's trail
    rows = csv_rows(response) if fmt == "csv" else xlsx_rows(response)
    assert len(rows) - 1 == event.detail["rows"]
    assert event.pk not in exported_ids(rows)


def test_an_inspectors_unfiltered_export_is_a_bureau_level_event(world, trail, client: Client) -> None:
    csv_rows(as_user(client, world.inspector).get(CSV_URL))
    event = AuditEvent.objects.get(action="audit.exported")
    assert event.school_id is None
    assert event.detail["rows"] == len(trail.ids()) - 1


@pytest.fixture
def formula_event(world) -> AuditEvent:
    """An event whose texts a spreadsheet would run as formulas."""
    attacker = UserFactory.create(username="evil", full_name='=HYPERLINK("http://x","点我")')
    return audit_record(
        action="bureau.review",
        actor=attacker,
        detail={"comment": "=1+1"},
        context=AuditContext(ip="10.0.0.1", user_agent="@SUM(1+1)"),
    )


def test_formulas_are_neutralised_in_csv(world, formula_event, client: Client) -> None:
    rows = csv_rows(as_user(client, world.inspector).get(CSV_URL, {"actor": "evil"}))
    (row,) = rows[1:]
    assert row[3] == '\'=HYPERLINK("http://x","点我") (evil)'
    assert row[11] == "'@SUM(1+1)"
    assert row[9] == '{"comment": "=1+1"}'  # JSON starts with "{": not a formula
    for cell in row:
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell


def test_formulas_are_neutralised_in_xlsx(world, formula_event, client: Client) -> None:
    rows = xlsx_rows(as_user(client, world.inspector).get(XLSX_URL, {"actor": "evil"}))
    (row,) = rows[1:]
    assert row[3] == '\'=HYPERLINK("http://x","点我") (evil)'
    assert row[11] == "'@SUM(1+1)"
    assert row[0] == formula_event.pk  # numbers stay numbers
    for cell in row:
        assert not (isinstance(cell, str) and cell.startswith(("=", "+", "-", "@", "\t", "\r"))), cell


def test_leading_minus_plus_tab_and_return_are_neutralised(world, client: Client) -> None:
    from core.csv import neutralise

    assert [neutralise(v) for v in ["-2+3", "+7", "\tx", "\rx", "ok", "", "中文"]] == [
        "'-2+3",
        "'+7",
        "'\tx",
        "'\rx",
        "ok",
        "",
        "中文",
    ]


@pytest.mark.parametrize("url", [CSV_URL, XLSX_URL])
def test_bad_filters_are_form_errors_and_nothing_is_recorded(world, trail, client: Client, url) -> None:
    response = as_user(client, world.inspector).get(url, {"since": "last week"})
    assert response.status_code == 400
    assert response.context["form"].errors["since"]
    assert not AuditEvent.objects.filter(action="audit.exported").exists()


@pytest.mark.parametrize("url", [CSV_URL, XLSX_URL])
def test_exports_are_capped_with_a_clear_message(world, trail, client: Client, url) -> None:
    with override_settings(WANJIA_AUDIT_EXPORT_MAX_ROWS=2):
        response = as_user(client, world.inspector).get(url)
    assert response.status_code == 400
    assert "Narrow the filters" in str(response.context["form"].non_field_errors()) or "缩小" in str(
        response.context["form"].non_field_errors()
    )
    assert not AuditEvent.objects.filter(action="audit.exported").exists()
    with override_settings(WANJIA_AUDIT_EXPORT_MAX_ROWS=2):
        assert client.get(url, {"school": "B"}).status_code == 200  # two events: within the cap


def test_the_browser_links_the_exports_with_its_filters(world, trail, client: Client) -> None:
    html = as_user(client, world.inspector).get("/audit/", {"school": "B", "page": "1"}).content.decode()
    assert 'href="/audit/export.csv?school=B"' in html
    assert 'href="/audit/export.xlsx?school=B"' in html
