"""Evidence exports: what the files hold, who may have them, the audit event of each export."""

from __future__ import annotations

import io

import time_machine
from django.test import Client
from django.utils import translation
from pypdf import PdfReader

from audit.models import AuditEvent
from schools.calendar import campaign_create_default
from schools.models import Membership
from sixones import services as sixones_services
from tests.api.helpers import api_client
from tests.casework.helpers import add_staff, personas
from tests.documents.test_pdf import embedded_fonts
from tests.evidence.helpers import (
    FAMILY,
    GOALS,
    PUPIL_NAME,
    SECRET,
    TUTORING,
    WHEN,
    YEAR,
    a_year_of_work,
    all_text,
    sheets,
)
from tests.factories import PupilFactory


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def exports() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action="evidence.exported").order_by("id"))


def test_teacher_xlsx_holds_the_years_work_masked_and_neutralised(world):
    with time_machine.travel(WHEN, tick=False):
        year = a_year_of_work(world)
        with translation.override("zh-hans"):
            response = client_for(world.colleague).get(
                f"/evidence/teachers/{world.colleague.pk}/xlsx/", {"year": YEAR}
            )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "no-store" in response["Cache-Control"]
    # RFC 5987: the Chinese name travels as filename*=utf-8''..., percent-encoded.
    assert "filename*=utf-8''" in response["Content-Disposition"]
    assert response["Content-Disposition"].endswith(".xlsx")
    book = sheets(response.content)
    text = all_text(book)
    case_no = f"#{year.case.pk}"
    # Cases paired: both cases of the colleague, the pupil masked, no family details, no note.
    assert case_no in text and f"#{year.psych.pk}" in text
    assert "王**" in text and PUPIL_NAME not in text
    assert FAMILY not in text and SECRET not in text
    # A goal that Excel would run as a formula stays text.
    plan_cells = [cell for rows in book.values() for row in rows for cell in row if isinstance(cell, str)]
    assert "'" + GOALS in plan_cells
    assert GOALS not in plan_cells
    # The opinion recorded by the colleague is there; the complaint about them is not.
    assert "投诉" not in text
    event = exports()[-1]
    assert event.actor_id == world.colleague.pk
    assert (event.target_type, event.target_id) == ("accounts.user", str(world.colleague.pk))
    assert event.school_id == world.school.pk
    rows = sum(len(rows) for rows in book.values())
    assert event.detail == {
        "subject": "teacher",
        "teacher_id": world.colleague.pk,
        "format": "xlsx",
        "year": YEAR,
        # 2 cases, 1 plan, 1 visit, 1 opinion; the colleague keeps no ledger.
        "rows": 5,
    }
    assert rows > 5


def test_teacher_json_per_persona_and_the_ledger_rule(world):
    with time_machine.travel(WHEN, tick=False):
        a_year_of_work(world)
        people = personas(world)
        url = f"/api/v1/evidence/teachers/{world.colleague.pk}/"
        allowed = ["owner", "principal", "vice_principal", "school_admin", "inspector"]
        for name in allowed:
            response = api_client(people[name]).get(url, {"year": YEAR})
            assert response.status_code == 200, name
            body = response.json()
            # Without a campaign set up, the six ones say so (no record can exist without one).
            assert [s["key"] for s in body["sections"]] == [
                "cases",
                "plans",
                "visits",
                "opinions",
                "six_ones",
            ]
            # Parents' opinions follow their own rule: school administrators do not read them.
            assert body["row_count"] == (4 if name == "school_admin" else 5), name
        refused = ["class_teacher", "bystander", "outsider", "counsellor", "custodian", "other_inspector"]
        for name in [*refused, "superuser"]:
            response = api_client(people[name]).get(url, {"year": YEAR})
            assert response.status_code == 404, name
            assert response.json()["code"] == "not_found"
        assert len(exports()) == len(allowed)
        assert {e.detail["format"] for e in exports()} == {"json"}
        # The custodian's file has the ledger: for the principal (who signs the ledger) and for
        # the custodian, not for the school administrator (who does not see the ledger).
        custodian_url = f"/api/v1/evidence/teachers/{world.custodian.pk}/"
        keys = {
            name: [s["key"] for s in api_client(people[name]).get(custodian_url).json()["sections"]]
            for name in ("custodian", "principal", "school_admin")
        }
        assert "ledger" in keys["custodian"] and "ledger" in keys["principal"]
        assert "ledger" not in keys["school_admin"]
        ledger = next(
            s
            for s in api_client(world.custodian).get(custodian_url).json()["sections"]
            if s["key"] == "ledger"
        )
        assert len(ledger["rows"]) == 2  # the donation and the disbursement
        # Another year holds nothing.
        body = api_client(world.colleague).get(url, {"year": YEAR - 1}).json()
        assert body["row_count"] == 0


def test_pupil_file_per_persona(world):
    with time_machine.travel(WHEN, tick=False):
        year = a_year_of_work(world)
        people = personas(world)
        url = f"/api/v1/evidence/pupils/{year.pupil.pk}/"
        expected = {
            # The class teacher and the owner see both cases; the counsellor only the psychological one.
            "class_teacher": 2,
            "owner": 2,
            "principal": 2,
            "school_admin": 2,
            "inspector": 2,
            "counsellor": 1,
        }
        for name, cases in expected.items():
            response = api_client(people[name]).get(url, {"year": YEAR})
            assert response.status_code == 200, name
            sections = {s["key"]: s for s in response.json()["sections"]}
            assert len(sections["cases"]["rows"]) == cases, name
            assert SECRET not in response.content.decode()
        support = {s["key"]: s for s in api_client(world.owner).get(url).json()["sections"]}["support"]
        assert [row[2] for row in support["rows"]] == ["120.00"]
        counsellor_view = {s["key"]: s for s in api_client(world.counsellor).get(url).json()["sections"]}
        assert counsellor_view["support"]["rows"] == []  # the disbursement went to the case they cannot see
        for name in (
            "bystander",
            "outsider",
            "custodian",
            "other_inspector",
            "other_counsellor",
            "superuser",
        ):
            assert api_client(people[name]).get(url).status_code == 404, name
        # A pupil without cases: the class teacher and the leaders only.
        quiet = PupilFactory.create(classroom=world.classroom)
        quiet_url = f"/api/v1/evidence/pupils/{quiet.pk}/"
        for name in ("class_teacher", "principal", "school_admin"):
            assert api_client(people[name]).get(quiet_url).status_code == 200, name
        for name in ("owner", "inspector", "counsellor", "outsider"):
            assert api_client(people[name]).get(quiet_url).status_code == 404, name
        pupil_events = [e for e in exports() if e.detail["subject"] == "pupil"]
        assert len(pupil_events) == len(expected) + 2 + 3
        assert all(e.detail["pupil_id"] in (year.pupil.pk, quiet.pk) for e in pupil_events)


def test_pupil_xlsx_page_and_the_access_log(world):
    with time_machine.travel(WHEN, tick=False):
        year = a_year_of_work(world)
        response = client_for(world.owner).get(f"/evidence/pupils/{year.pupil.pk}/xlsx/", {"year": YEAR})
    assert response.status_code == 200
    text = all_text(sheets(response.content))
    assert PUPIL_NAME in text  # the pupil's own file names them
    assert ("每周两次数学辅导" in text and "120.00" in text) or "120" in text
    assert FAMILY not in text and SECRET not in text
    assert TUTORING in text  # academic support and progress: the tutoring sessions
    event = exports()[-1]
    assert event.detail["rows"] > 0 and event.detail["format"] == "xlsx"
    # The export shows in the pupil's access log.
    from audit_browser.selectors import audit_pupil_access_log_for_user

    log = audit_pupil_access_log_for_user(user=world.principal, pupil=year.pupil)
    assert log.filter(action="evidence.exported").count() == 1
    # The tutoring section, as the API gives it; counselling sessions have no section at all.
    with time_machine.travel(WHEN, tick=False):
        body = api_client(world.owner).get(f"/api/v1/evidence/pupils/{year.pupil.pk}/", {"year": YEAR}).json()
    sections = {section["key"]: section for section in body["sections"]}
    assert list(sections) == ["cases", "plans", "visits", "tutoring", "support"]
    assert [row[2:5] for row in sections["tutoring"]["rows"]] == [["数学", 45, 3]]  # zh-hans first


def test_bad_input_and_methods(world):
    with time_machine.travel(WHEN, tick=False):
        year = a_year_of_work(world)
    api = api_client(world.colleague)
    url = f"/api/v1/evidence/teachers/{world.colleague.pk}/"
    for params, field in (
        ({"year": "abc"}, "year"),
        ({"year": "1800"}, "year"),
        ({"format": "csv"}, "format"),
    ):
        response = api.get(url, params)
        assert response.status_code == 400, params
        assert response.json()["code"] == "invalid" and field in response.json()["errors"]
    assert api.post(url, {}).status_code == 405
    assert api_client(None).get(url).status_code == 401
    assert api.get("/api/v1/evidence/teachers/999999/").status_code == 404
    page = client_for(world.colleague)
    invalid = page.get(
        f"/evidence/teachers/{world.colleague.pk}/xlsx/", {"year": "1800"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert invalid.status_code == 400
    assert b"campaign year" in invalid.content
    assert page.get(f"/evidence/teachers/{world.colleague.pk}/csv/").status_code == 404
    assert page.post(f"/evidence/pupils/{year.pupil.pk}/xlsx/").status_code == 405
    assert Client().get(f"/evidence/pupils/{year.pupil.pk}/xlsx/").status_code == 302
    assert page.get(f"/evidence/pupils/{year.pupil.pk}/pdf/?year=x").status_code == 400
    assert exports() == []


def test_pages_list_and_link(world, django_assert_max_num_queries):
    with time_machine.travel(WHEN, tick=False):
        year = a_year_of_work(world)
        index = client_for(world.owner).get("/evidence/")
        assert index.status_code == 200
        assert b'data-card="my-evidence"' in index.content
        assert b'data-card="school-evidence"' not in index.content
        principal = client_for(world.principal)
        assert b'data-card="school-evidence"' in principal.get("/evidence/").content
        url = f"/evidence/schools/{world.school.pk}/"
        with django_assert_max_num_queries(12):
            response = principal.get(url, {"year": YEAR})
        assert response.status_code == 200
        for member in (world.owner, world.colleague, world.custodian):
            assert f'data-teacher="{member.pk}"'.encode() in response.content
        assert f"/evidence/teachers/{world.colleague.pk}/pdf/?year={YEAR}".encode() in response.content
        for _ in range(5):
            add_staff(f"extra{_}", world.school, Membership.Role.TEACHER)
        with django_assert_max_num_queries(12):
            assert principal.get(url).status_code == 200
        assert client_for(world.inspector).get(url).status_code == 200
        assert client_for(world.colleague).get(url).status_code == 404
        assert client_for(world.outsider).get(url).status_code == 404
        assert client_for(world.principal).post(url).status_code == 405
        # The pupil page offers the export to whoever may have it, and not to others.
        pupil_url = f"/schools/pupils/{year.pupil.pk}/"
        assert b'data-card="pupil-evidence"' in client_for(world.owner).get(pupil_url).content
        bystander = add_staff("bystander", world.school)
        assert b'data-card="pupil-evidence"' not in client_for(bystander).get(pupil_url).content
        assert b'data-nav="evidence"' in index.content


def test_teacher_and_pupil_pdfs_carry_the_chinese_text_in_an_embedded_font(world):
    with time_machine.travel(WHEN, tick=False):
        year = a_year_of_work(world)
        with translation.override("zh-hans"):
            teacher = client_for(world.principal).get(
                f"/evidence/teachers/{world.colleague.pk}/pdf/", {"year": YEAR}
            )
            pupil = api_client(world.owner).get(
                f"/api/v1/evidence/pupils/{year.pupil.pk}/", {"year": str(YEAR), "format": "pdf"}
            )
    assert teacher.status_code == 200 and pupil.status_code == 200
    assert teacher["Content-Type"] == pupil["Content-Type"] == "application/pdf"
    assert "filename*=utf-8''" in pupil["Content-Disposition"]
    assert pupil["Content-Disposition"].endswith(".pdf")
    teacher_reader = PdfReader(io.BytesIO(teacher.content))
    # Table cells wrap: compare without the line breaks.
    teacher_text = "".join(page.extract_text() for page in teacher_reader.pages).replace("\n", "")
    assert "王**" in teacher_text and PUPIL_NAME not in teacher_text
    assert "每周两次数学辅导" in teacher_text
    assert f"#{year.case.pk}" in teacher_text
    pupil_reader = PdfReader(io.BytesIO(pupil.content))
    pupil_text = "".join(page.extract_text() for page in pupil_reader.pages).replace("\n", "")
    assert PUPIL_NAME in pupil_text and "120.00" in pupil_text
    for text in (teacher_text, pupil_text):
        assert FAMILY not in text and SECRET not in text
    for reader in (teacher_reader, pupil_reader):
        fonts = embedded_fonts(reader)
        assert fonts and all(fonts.values()), fonts
    assert [(e.actor_id, e.detail["format"]) for e in exports()] == [
        (world.principal.pk, "pdf"),
        (world.owner.pk, "pdf"),
    ]


def test_six_ones_section_follows_the_records_and_their_rules(world):
    with time_machine.travel(WHEN, tick=False):
        year = a_year_of_work(world)
        campaign, _created = campaign_create_default(bureau=world.school.bureau, year=YEAR, actor=None)
        essay = sixones_services.essay_create(
            user=world.colleague, title="走进王家", body="家访随笔正文", written_on=WHEN.date()
        )
        sixones_services.act_record(
            user=world.colleague, done_on=WHEN.date(), what="送去冬衣两件", case_id=year.case.pk
        )
        url = f"/api/v1/evidence/teachers/{world.colleague.pk}/"
        own = {s["key"]: s for s in api_client(world.colleague).get(url, {"year": YEAR}).json()["sections"]}
        done = dict(own["six_ones"]["rows"])
        # Plan, pairing, essay and act exist; no handbook, no parents' meeting.
        assert len(done) == 6
        assert sum(1 for value in done.values() if value in ("yes", "是")) == 4
        details = [row[2] for row in own["six_ones_records"]["rows"]]
        assert "《走进王家》" in details and "王**：送去冬衣两件" in details
        assert "家访随笔正文" not in str(own)
        # The inspector sees the checklist but not the (non-exemplary) essay.
        inspected = {
            s["key"]: s for s in api_client(world.inspector).get(url, {"year": YEAR}).json()["sections"]
        }
        assert inspected["six_ones"]["rows"] == own["six_ones"]["rows"]
        assert [row[2] for row in inspected["six_ones_records"]["rows"]] == ["王**：送去冬衣两件"]
        sixones_services.essay_mark_exemplary(user=world.principal, essay_id=essay.pk, exemplary=True)
        inspected = {
            s["key"]: s for s in api_client(world.inspector).get(url, {"year": YEAR}).json()["sections"]
        }
        assert len(inspected["six_ones_records"]["rows"]) == 2
        # Another year: nothing of this one counts.
        campaign_create_default(bureau=world.school.bureau, year=YEAR + 1, actor=None)
        later = {
            s["key"]: s for s in api_client(world.colleague).get(url, {"year": YEAR + 1}).json()["sections"]
        }
        assert later["six_ones_records"]["rows"] == []
        assert campaign.year == YEAR


def test_a_visit_without_a_case_counts_for_the_teacher_and_the_pupil(world):
    """A 包人 visit with no case: in the teacher's file (masked, no case number) and the pupil's."""
    import datetime

    from casework import services

    with time_machine.travel(WHEN, tick=False):
        pupil = PupilFactory.create(school=world.school, classroom=world.classroom, name="李小红")
        visit = services.visit_create(user=world.colleague, pupil_id=pupil.pk)
        when = WHEN - datetime.timedelta(days=2)
        services.visit_appoint(
            user=world.colleague, visit_id=visit.pk, scheduled_for=when, method="phone", with_name="李妈妈"
        )
        services.visit_record(
            visit_id=visit.pk,
            user=world.colleague,
            data={"visited_at": when, "measures_agreed": "每天读书半小时", "no_gifts_pledge": True},
        )
        teacher = api_client(world.principal).get(
            f"/api/v1/evidence/teachers/{world.colleague.pk}/", {"year": YEAR}
        )
        pupil_file = api_client(world.owner).get(f"/api/v1/evidence/pupils/{pupil.pk}/", {"year": YEAR})
        outsider = api_client(world.outsider).get(f"/api/v1/evidence/pupils/{pupil.pk}/", {"year": YEAR})
    visits = {s["key"]: s for s in teacher.json()["sections"]}["visits"]["rows"]
    assert [row[1:3] for row in visits] == [["", "李**"]]
    rows = {s["key"]: s for s in pupil_file.json()["sections"]}["visits"]["rows"]
    assert [(row[1], row[3]) for row in rows] == [("", "每天读书半小时")]
    assert outsider.status_code == 404
