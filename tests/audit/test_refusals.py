"""Every refused access to an existing record is audited (``access.refused``) with the school it
was aimed at, so that school's principal sees attempts on their pupils; the answer stays the
same 404 as for a record that does not exist, and a record that does not exist is not audited.

Teacher B (``world.outsider``, of the other school) tries school A's records one by one, by page
and by API.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from attachments.services import attachment_upload
from audit.models import AuditEvent
from audit.receivers import ACCESS_REFUSED
from care import services as care_services
from casework.models import Case, HomeVisit
from consents.models import Purpose
from consents.services import consent_record
from core.signals import access_refused
from schools.models import Membership
from tests.api.helpers import api_client
from tests.attachments import samples
from tests.builders import open_case, schedule_visit
from tests.casework.helpers import add_staff
from tests.conftest import World
from tests.opinions.helpers import raise_opinion
from workflows.models import CaseTask

NO_SUCH = 987_654_321


@dataclass
class Records:
    case: Case
    visit: HomeVisit
    attachment_id: int
    opinion_id: int
    task_id: int


@pytest.fixture
def records(world: World) -> Records:
    case = open_case(world.classroom, by=world.owner)
    visit = schedule_visit(case, by=world.owner, scheduled_for=timezone.now() + datetime.timedelta(days=1))
    attachment = attachment_upload(user=world.owner, case_id=case.pk, name="证明.pdf", chunks=[samples.pdf()])
    care_services.archive_save(
        pupil_id=case.pupil_id,
        user=world.owner,
        left_behind=True,
        single_parent=False,
        migrant_child=False,
        family="父母在外务工，与祖母同住。",
    )
    opinion = raise_opinion(world)
    task = CaseTask.objects.filter(case=case, flow_task_type="HUMAN").first()
    assert task is not None
    return Records(case, visit, attachment.pk, opinion.pk, task.pk)


def outsider_page(world: World) -> Client:
    client = Client()
    client.force_login(world.outsider)
    return client


def refusals() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=ACCESS_REFUSED).order_by("id"))


def assert_refused(world: World, event: AuditEvent, *, target: Any, path: str, method: str = "GET") -> None:
    assert event.actor == world.outsider
    assert (event.target_type, event.target_id) == (target._meta.label_lower, str(target.pk))
    assert event.school_id == world.school.pk  # the school it was aimed at, not the outsider's
    assert event.detail["method"] == method and event.detail["path"] == path
    assert event.detail["status"] == 404


# (what, page path, API path, the record refused, its case and pupil as recorded)
def cases(records: Records) -> list[tuple[str, str | None, str | None, Any, int | None, int]]:
    case, visit = records.case, records.visit
    pupil = case.pupil
    return [
        ("case", f"/cases/{case.pk}/", f"/api/v1/cases/{case.pk}/", case, case.pk, pupil.pk),
        ("case's visits", None, f"/api/v1/cases/{case.pk}/visits/", case, case.pk, pupil.pk),
        ("tutoring", f"/care/cases/{case.pk}/tutoring/", f"/api/v1/cases/{case.pk}/tutoring-sessions/", case, case.pk, pupil.pk),
        ("counselling", f"/care/cases/{case.pk}/counselling/", None, case, case.pk, pupil.pk),
        ("pupil", f"/schools/pupils/{pupil.pk}/", f"/api/v1/pupils/{pupil.pk}/", pupil, None, pupil.pk),
        ("archive", f"/care/pupils/{pupil.pk}/archive/", f"/api/v1/pupils/{pupil.pk}/archive/", pupil, None, pupil.pk),
        ("evidence", f"/evidence/pupils/{pupil.pk}/pdf/", f"/api/v1/evidence/pupils/{pupil.pk}/", pupil, None, pupil.pk),
        ("visit", f"/visits/{visit.pk}/", f"/api/v1/visits/{visit.pk}/", visit, case.pk, pupil.pk),
        ("task", f"/workflows/tasks/{records.task_id}/", None, CaseTask.objects.get(pk=records.task_id), case.pk, pupil.pk),
    ]  # fmt: skip


@pytest.mark.parametrize("what", ["case", "case's visits", "tutoring", "counselling", "pupil", "archive", "evidence", "visit", "task"])  # fmt: skip
def test_a_refused_read_is_audited_for_the_school_it_aimed_at(
    world: World, records: Records, what: str
) -> None:
    (_what, page, api, target, case_id, pupil_id) = next(row for row in cases(records) if row[0] == what)
    if page is not None:
        assert outsider_page(world).get(page).status_code == 404
    if api is not None:
        response = api_client(world.outsider).get(api)
        assert response.status_code == 404 and response.json()["code"] == "not_found"
    events = refusals()
    assert [e.detail["path"] for e in events] == [p for p in (page, api) if p is not None]
    for event in events:
        assert_refused(world, event, target=target, path=event.detail["path"])
        assert event.case_id == case_id
        assert event.detail["pupil_id"] == pupil_id


def test_refused_attachments_opinions_and_ledgers_are_audited(world: World, records: Records) -> None:
    page = outsider_page(world)
    assert page.get(f"/attachments/{records.attachment_id}/download/").status_code == 404
    assert api_client(world.outsider).get(f"/api/v1/attachments/{records.attachment_id}/").status_code == 404
    assert page.get(f"/opinions/{records.opinion_id}/").status_code == 404
    assert page.get(f"/support/{world.school.pk}/").status_code == 404
    events = refusals()
    assert [(e.target_type, e.detail["path"]) for e in events] == [
        ("attachments.attachment", f"/attachments/{records.attachment_id}/download/"),
        ("attachments.attachment", f"/api/v1/attachments/{records.attachment_id}/"),
        ("opinions.parentopinion", f"/opinions/{records.opinion_id}/"),
        ("schools.school", f"/support/{world.school.pk}/"),
    ]
    assert {e.school_id for e in events} == {world.school.pk}
    assert events[0].case_id == records.case.pk and events[0].detail["pupil_id"] == records.case.pupil_id


def test_a_refused_write_is_audited_with_its_method(world: World, records: Records) -> None:
    case = records.case
    api = api_client(world.outsider).post(
        f"/api/v1/cases/{case.pk}/transitions/draft_plan/", {}, format="json"
    )
    assert api.status_code == 404
    page = outsider_page(world).post(f"/cases/{case.pk}/transitions/draft_plan/", {"comment": "x"})
    assert page.status_code == 404
    events = refusals()
    assert [(e.detail["method"], e.detail["path"]) for e in events] == [
        ("POST", f"/api/v1/cases/{case.pk}/transitions/draft_plan/"),
        ("POST", f"/cases/{case.pk}/transitions/draft_plan/"),
    ]
    for event in events:
        assert_refused(world, event, target=case, path=event.detail["path"], method="POST")


def test_the_answer_says_nothing_about_existence_and_nothing_is_audited_for_no_record(
    world: World, records: Records
) -> None:
    api = api_client(world.outsider)
    for url, existing in (
        ("/api/v1/cases/{}/", records.case.pk),
        ("/api/v1/visits/{}/", records.visit.pk),
        ("/api/v1/pupils/{}/", records.case.pupil_id),
        ("/api/v1/attachments/{}/", records.attachment_id),
    ):
        refused, missing = api.get(url.format(existing)), api.get(url.format(NO_SUCH))
        assert refused.status_code == missing.status_code == 404, url
        assert refused.json() == missing.json(), url
    page = outsider_page(world)
    for url, existing in (("/cases/{}/", records.case.pk), ("/schools/pupils/{}/", records.case.pupil_id)):
        refused_page, missing_page = page.get(url.format(existing)), page.get(url.format(NO_SUCH))
        assert refused_page.status_code == missing_page.status_code == 404, url
    # Only the existing records were audited: four by the API, two pages.
    assert len(refusals()) == 6
    assert not AuditEvent.objects.filter(action=ACCESS_REFUSED, target_id=str(NO_SUCH)).exists()


def test_the_principal_of_the_school_aimed_at_sees_the_attempt(world: World, records: Records) -> None:
    assert outsider_page(world).get(f"/cases/{records.case.pk}/").status_code == 404
    principal = Client()
    principal.force_login(world.principal)
    html = principal.get("/audit/", {"action": ACCESS_REFUSED}).content.decode()
    event = refusals()[0]
    assert f'data-event="{event.pk}"' in html
    # ... and on the pupil's access log, beside the reads.
    html = principal.get(f"/audit/pupils/{records.case.pupil_id}/").content.decode()
    assert f'data-event="{event.pk}"' in html
    # The outsider's own principal does not: it is school A's trail.
    principal_b = add_staff("principal_b", world.other_school, Membership.Role.PRINCIPAL)
    other = Client()
    other.force_login(principal_b)
    assert f'data-event="{event.pk}"' not in other.get("/audit/", {"action": ACCESS_REFUSED}).content.decode()


def test_another_schools_audit_pages_refused_are_audited(world: World, records: Records) -> None:
    principal_b = add_staff("principal_b", world.other_school, Membership.Role.PRINCIPAL)
    client = Client()
    client.force_login(principal_b)
    assert client.get(f"/audit/cases/{records.case.pk}/").status_code == 404
    assert client.get(f"/audit/pupils/{records.case.pupil_id}/").status_code == 404
    events = refusals()
    assert [(e.actor, e.target_type, e.school_id) for e in events] == [
        (principal_b, "casework.case", world.school.pk),
        (principal_b, "schools.pupil", world.school.pk),
    ]


def test_the_notes_keep_their_own_refusal_and_are_not_audited_twice(world: World, records: Records) -> None:
    assert api_client(world.outsider).get(f"/api/v1/cases/{records.case.pk}/notes/").status_code == 404
    assert AuditEvent.objects.filter(action="note.read_refused").count() == 1
    assert refusals() == []


def test_a_predicate_that_tries_a_selector_audits_nothing(world: World, records: Records) -> None:
    """Only a refusal that becomes the answer is audited: a page that checks quietly (may this user
    export the pupil's file?) records nothing."""
    from evidence.selectors import pupil_may_export

    assert pupil_may_export(user=world.outsider, pupil=records.case.pupil) is False
    assert refusals() == []


def test_the_trail_listens_for_refusals() -> None:
    assert access_refused.has_listeners()


def test_refused_consents_are_audited(world: World, records: Records) -> None:
    pupil = records.case.pupil
    consent = consent_record(
        user=world.owner,
        pupil_id=pupil.pk,
        purpose=Purpose.HOME_VISIT_PHOTOS,
        granted=True,
        guardian_name="王丽",
    )
    page = outsider_page(world)
    assert page.get(f"/consents/pupils/{pupil.pk}/").status_code == 404
    assert page.get(f"/consents/{consent.pk}/withdraw/").status_code == 404
    events = refusals()
    assert [(e.target_type, e.target_id, e.school_id, e.detail["pupil_id"]) for e in events] == [
        ("schools.pupil", str(pupil.pk), world.school.pk, pupil.pk),
        ("consents.consent", str(consent.pk), world.school.pk, pupil.pk),
    ]
