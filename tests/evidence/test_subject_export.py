"""The data-subject export: everything held on one pupil, for a guardian's request (the principal
only), as JSON and PDF, never the content of confidential counselling notes, always audited."""

from __future__ import annotations

import io
import json

import pytest
from django.test import Client
from django.utils import timezone, translation
from pypdf import PdfReader

from attachments.services import attachment_download, attachment_upload
from audit.models import AuditEvent
from audit.services import audit_view
from care.services import archive_entry_save, archive_save
from casework.services import visit_gift_report
from consents.models import Purpose
from consents.services import consent_withdraw
from inspections.services import inspection_create, inspection_update
from schools.calendar import campaign_create_default
from sixones.services import act_record, essay_create
from tests.api.helpers import api_client
from tests.attachments import samples
from tests.builders import give_consent
from tests.casework.helpers import personas
from tests.evidence.helpers import FAMILY, GOALS, PUPIL_NAME, SECRET, TUTORING, Year, a_year_of_work
from tests.factories import GuardianFactory

GUARDIAN = "王建国"
ARCHIVE_FAMILY = "父母在外务工，由祖母照顾"
ACT = "送去冬衣两件"
ESSAY = "走进小明的家"
GIFT = "一箱苹果"
WITHDRAWAL = "父亲来电撤回"
SECTIONS = [
    "pupil",
    "guardians",
    "classes",
    "cases",
    "case_history",
    "plans",
    "visits",
    "visit_gifts",
    "opinions",
    "support",
    "tutoring",
    "counselling",
    "archive",
    "six_ones",
    "inspections",
    "consents",
    "attachments",
    "access_log",
]


def everything(world) -> Year:
    """A pupil with data in every area, each written through its service."""
    year = a_year_of_work(world)  # cases, plan, visit, opinions, ledger, tutoring, counselling, a note
    pupil = year.pupil
    GuardianFactory.create(pupil=pupil, name=GUARDIAN, relation="father", phone="13900001111")
    visit = year.case.visits.get()
    today = timezone.localdate()
    visit_gift_report(user=world.colleague, visit_id=visit.pk, what=GIFT, offered_on=today, outcome="refused")
    archive_save(pupil_id=pupil.pk, user=world.owner, left_behind=True, single_parent=False,
                 migrant_child=False, family=ARCHIVE_FAMILY)  # fmt: skip
    archive_entry_save(pupil_id=pupil.pk, user=world.owner, year=today.year, record="本年度家访两次")
    campaign_create_default(bureau=world.school.bureau, year=today.year, actor=None)
    act_record(user=world.colleague, done_on=today, what=ACT, case_id=year.case.pk)
    essay_create(
        user=world.colleague, title=ESSAY, body="家访让我看见了课堂上看不见的孩子。", visit_id=visit.pk
    )
    inspection = inspection_create(user=world.inspector, school_id=world.school.pk, inspected_on=today)
    inspection_update(user=world.inspector, inspection_id=inspection.pk, family_pupil_ids=[pupil.pk])
    photos = give_consent(pupil, Purpose.HOME_VISIT_PHOTOS, by=world.owner, guardian_name=GUARDIAN)
    transfer = give_consent(pupil, Purpose.TRANSFER_SHARING, by=world.principal)
    consent_withdraw(user=world.principal, consent_id=transfer.pk, reason=WITHDRAWAL)
    attachment_upload(user=world.owner, consent_id=photos.pk, name="同意书.pdf", chunks=[samples.pdf()])
    photo = attachment_upload(
        user=world.colleague, visit_id=visit.pk, name="家访.png", chunks=[samples.png()]
    )
    attachment_download(user=world.inspector, attachment_id=photo.pk)
    audit_view(actor=world.owner, pupil=pupil)
    return year


def sections(body: dict) -> dict[str, dict]:
    return {section["key"]: section for section in body["sections"]}


def text_of(section: dict) -> str:
    """A section's cells and paragraphs as plain text."""
    return "\n".join([*(str(cell) for row in section["rows"] for cell in row), *section["paragraphs"]])


@pytest.mark.smoke
def test_the_json_holds_every_area_and_never_a_note(world) -> None:
    year = everything(world)
    with translation.override("zh-hans"):
        response = api_client(world.principal).get(f"/api/v1/pupils/{year.pupil.pk}/export/")
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    body = response.json()
    assert PUPIL_NAME in body["title"]
    found = sections(body)
    assert list(found) == SECTIONS
    assert all(found[key]["rows"] for key in SECTIONS), [key for key in SECTIONS if not found[key]["rows"]]

    assert PUPIL_NAME in text_of(found["pupil"]) and year.pupil.student_number in text_of(found["pupil"])
    assert GUARDIAN in text_of(found["guardians"]) and "13900001111" in text_of(found["guardians"])
    assert world.classroom.label in text_of(found["classes"])
    cases = text_of(found["cases"])
    assert f"#{year.case.pk}" in cases and f"#{year.psych.pk}" in cases and "情绪低落" in cases
    history = found["case_history"]["rows"]
    assert any("→" in str(row[4]) for row in history)  # transitions, from → to
    assert GOALS in text_of(found["plans"])  # JSON is no spreadsheet: the text as written
    assert FAMILY in text_of(found["visits"])  # the whole visit record, family situation included
    assert GIFT in text_of(found["visit_gifts"])
    assert "希望增加课后辅导" in text_of(found["opinions"]) and "投诉" in text_of(found["opinions"])
    assert "120.00" in text_of(found["support"])
    assert TUTORING in text_of(found["tutoring"])
    assert ARCHIVE_FAMILY in text_of(found["archive"]) and "本年度家访两次" in text_of(found["archive"])
    assert ACT in text_of(found["six_ones"]) and ESSAY in text_of(found["six_ones"])
    assert len(found["inspections"]["rows"]) == 1
    consents = text_of(found["consents"])
    assert WITHDRAWAL in consents and GUARDIAN in consents and len(found["consents"]["rows"]) == 2
    names = {row[0] for row in found["attachments"]["rows"]}
    assert names == {"同意书.pdf", "家访.png"}
    log = found["access_log"]["rows"]
    assert {row[1].split(" ")[0] for row in log} >= {world.owner.get_full_name()}
    assert len(log) >= 2  # the pupil page viewed, the photo downloaded

    # The counselling session is listed; what was said never is: the notes are counted.
    counselling = found["counselling"]
    assert len(counselling["rows"]) == 1 and SECRET not in json.dumps(body, ensure_ascii=False)
    assert "2" in counselling["paragraphs"][0]  # the note of the session and the case's own note

    event = AuditEvent.objects.get(action="pupil.subject_export")
    assert (event.actor, event.target_type, event.target_id) == (
        world.principal,
        "schools.pupil",
        str(year.pupil.pk),
    )
    assert event.school_id == world.school.pk
    assert event.detail["format"] == "json" and event.detail["rows"] == body["row_count"]
    assert event.detail["sections"]["consents"] == 2


def test_the_pdf_is_a_pdf_with_the_pupils_name_and_the_page_button(world, client: Client) -> None:
    year = everything(world)
    client.force_login(world.principal)
    page = client.get(f"/schools/pupils/{year.pupil.pk}/").content.decode()
    url = f"/evidence/pupils/{year.pupil.pk}/subject/pdf/"
    assert f'href="{url}"' in page and 'data-export="pupil-subject-json"' in page
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "filename*=utf-8''" in response["Content-Disposition"]
    reader = PdfReader(io.BytesIO(response.content))
    text = "".join(page.extract_text() for page in reader.pages)
    assert PUPIL_NAME in text and GUARDIAN in text
    assert SECRET not in text
    json_file = client.get(f"/evidence/pupils/{year.pupil.pk}/subject/json/")
    assert json_file.status_code == 200 and json_file["Content-Disposition"].endswith(".json")
    assert PUPIL_NAME in json.loads(json_file.content)["title"]
    api_pdf = api_client(world.principal).get(f"/api/v1/pupils/{year.pupil.pk}/export/", {"format": "pdf"})
    assert api_pdf.status_code == 200 and api_pdf.content.startswith(b"%PDF-")
    assert [
        e.detail["format"] for e in AuditEvent.objects.filter(action="pupil.subject_export").order_by("id")
    ] == [
        "pdf",
        "json",
        "pdf",
    ]
    # Exports are reads of the pupil's records: they appear in the pupil's access log.
    log = client.get(f"/audit/pupils/{year.pupil.pk}/").content.decode()
    assert "pupil.subject_export" in log


def test_english_when_asked(world) -> None:
    year = everything(world)
    response = api_client(world.principal).get(
        f"/api/v1/pupils/{year.pupil.pk}/export/", HTTP_ACCEPT_LANGUAGE="en"
    )
    body = response.json()
    assert "personal data" in body["title"]
    assert sections(body)["counselling"]["title"] == "Counselling sessions"
    chinese = api_client(world.principal).get(
        f"/api/v1/pupils/{year.pupil.pk}/export/", HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    # (Strings that are new with this export get their Chinese when the catalogue is compiled.)
    assert sections(chinese.json())["cases"]["title"] != sections(body)["cases"]["title"] == "Support cases"


def test_only_the_principal_of_the_school(world, client: Client) -> None:
    year = a_year_of_work(world)
    people = personas(world)
    api = f"/api/v1/pupils/{year.pupil.pk}/export/"
    page = f"/evidence/pupils/{year.pupil.pk}/subject/pdf/"
    refused = [
        world.owner,  # the class teacher
        world.colleague,  # the paired teacher
        world.counsellor,
        world.admin,
        people["vice_principal"],
        world.inspector,
        world.outsider,
        people["superuser"],
    ]
    for user in refused:
        response = api_client(user).get(api)
        assert response.status_code == 404 and response.json()["code"] == "not_found", user.username
        client.force_login(user)
        assert client.get(page).status_code == 404
        assert (
            'data-card="pupil-subject-export"'
            not in client.get(f"/schools/pupils/{year.pupil.pk}/").content.decode()
        )
    world.principal.memberships.update(is_active=False)  # a principal who left
    assert api_client(world.principal).get(api).status_code == 404
    assert api_client().get(api).status_code == 401
    assert not AuditEvent.objects.filter(action="pupil.subject_export").exists()


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "PDF"])
def test_a_bad_format_is_a_400_in_the_api_and_a_404_on_the_page(world, client: Client, fmt: str) -> None:
    year = a_year_of_work(world)
    response = api_client(world.principal).get(f"/api/v1/pupils/{year.pupil.pk}/export/", {"format": fmt})
    assert response.status_code == 400 and response.json()["errors"]["format"]
    client.force_login(world.principal)
    assert client.get(f"/evidence/pupils/{year.pupil.pk}/subject/{fmt}/").status_code == 404
    assert api_client(world.principal).post(f"/api/v1/pupils/{year.pupil.pk}/export/").status_code == 405
    assert not AuditEvent.objects.filter(action="pupil.subject_export").exists()


def test_a_pupil_with_nothing_yet(world) -> None:
    from tests.factories import PupilFactory

    pupil = PupilFactory.create(classroom=None, school=world.school)
    body = api_client(world.principal).get(f"/api/v1/pupils/{pupil.pk}/export/").json()
    found = sections(body)
    assert list(found) == SECTIONS
    assert found["pupil"]["rows"] and not found["cases"]["rows"] and not found["classes"]["rows"]
    assert body["row_count"] == len(found["pupil"]["rows"])
