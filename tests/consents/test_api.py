"""/api/v1/pupils/{id}/consents/ and /api/v1/consents/{id}/withdraw/ (and the scans' endpoint)."""

from __future__ import annotations

import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from audit.models import AuditEvent
from consents.models import Consent, Purpose
from tests.api.helpers import api_client
from tests.api.test_concurrency import call
from tests.attachments import samples
from tests.builders import give_consent
from tests.factories import GuardianFactory, PupilFactory

PHOTOS = Purpose.HOME_VISIT_PHOTOS
CLIENTS = 10


def listing(pupil_id: int) -> str:
    return f"/api/v1/pupils/{pupil_id}/consents/"


def withdrawing(consent_id: int) -> str:
    return f"/api/v1/consents/{consent_id}/withdraw/"


@pytest.mark.smoke
def test_record_list_and_withdraw(world) -> None:
    pupil = PupilFactory.create(classroom=world.classroom)
    father = GuardianFactory.create(pupil=pupil, name="刘强", relation="father")
    owner = api_client(world.owner)

    response = owner.post(listing(pupil.pk), {"purpose": PHOTOS, "granted": True, "guardian": father.pk})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["guardian_name"] == "刘强" and body["guardian"] == father.pk and body["status"] == "given"
    assert body["school"] == world.school.pk and body["recorded_by"] == world.owner.pk
    assert body["withdrawn_at"] is None and body["withdrawal_reason"] == ""
    second = owner.post(
        listing(pupil.pk), {"purpose": Purpose.COUNSELLING, "granted": False, "guardian_name": "刘奶奶"}
    )
    assert second.status_code == 201 and second.json()["status"] == "refused"

    listed = api_client(world.inspector).get(listing(pupil.pk)).json()
    assert listed["count"] == 2
    assert [(row["purpose"], row["status"]) for row in listed["results"]] == [
        (Purpose.COUNSELLING, "refused"),
        (PHOTOS, "given"),
    ]

    response = api_client(world.admin).post(
        withdrawing(body["id"]), {"reason": "父亲电话撤回"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["status"] == "withdrawn" and response.json()["withdrawn_by"] == world.admin.pk
    again = owner.post(withdrawing(body["id"]), {"reason": "x"}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "invalid_state"
    refusal = owner.post(withdrawing(second.json()["id"]), {"reason": "x"}, format="json")
    assert refusal.status_code == 409
    assert AuditEvent.objects.filter(action="consent.withdrawn").count() == 1


def test_bad_input_is_a_400_never_a_500(world) -> None:
    pupil = PupilFactory.create(classroom=world.classroom)
    owner = api_client(world.owner)
    for data in (
        {},
        {"purpose": "selfies", "granted": True, "guardian_name": "x"},
        {"purpose": PHOTOS, "granted": "perhaps", "guardian_name": "x"},
        {"purpose": PHOTOS, "granted": True},  # nobody named
        {"purpose": PHOTOS, "granted": True, "guardian": "abc"},
        {"purpose": PHOTOS, "granted": True, "guardian": 10**9},
        {"purpose": PHOTOS, "granted": True, "guardian_name": "名" * 101},
    ):
        response = owner.post(listing(pupil.pk), data, format="json")
        assert response.status_code == 400, (data, response.status_code)
        assert response.json()["code"] == "invalid" and response.json()["errors"]
    consent = give_consent(pupil, PHOTOS, by=world.owner)
    for data in ({}, {"reason": ""}, {"reason": "x" * 301}):
        assert owner.post(withdrawing(consent.pk), data, format="json").status_code == 400
    assert owner.post(listing(pupil.pk), "[]", content_type="application/json").status_code == 400
    assert owner.post(listing(pupil.pk), "x", content_type="text/plain").status_code == 415
    assert Consent.objects.count() == 1


def test_access_refused_as_json(world) -> None:
    pupil = PupilFactory.create(classroom=world.classroom)
    consent = give_consent(pupil, PHOTOS, by=world.owner)
    data = {"purpose": PHOTOS, "granted": True, "guardian_name": "x"}
    for user in (world.colleague, world.counsellor, world.outsider):
        client = api_client(user)
        for response in (
            client.get(listing(pupil.pk)),
            client.post(listing(pupil.pk), data, format="json"),
            client.post(withdrawing(consent.pk), {"reason": "x"}, format="json"),
            client.get(f"/api/v1/consents/{consent.pk}/attachments/"),
        ):
            assert response.status_code == 404 and response.json()["code"] == "not_found"
    inspector = api_client(world.inspector)
    assert inspector.post(listing(pupil.pk), data, format="json").status_code == 403
    assert inspector.post(withdrawing(consent.pk), {"reason": "x"}, format="json").status_code == 403
    assert api_client().get(listing(pupil.pk)).status_code == 401
    assert api_client(world.owner).delete(listing(pupil.pk)).status_code == 405
    assert api_client(world.owner).get(withdrawing(consent.pk)).status_code == 405
    assert api_client(world.owner).get(listing(10**9)).status_code == 404
    assert Consent.objects.count() == 1


def test_the_scan_of_the_signed_form(world) -> None:
    pupil = PupilFactory.create(classroom=world.classroom)
    consent = give_consent(pupil, PHOTOS, by=world.owner)
    url = f"/api/v1/consents/{consent.pk}/attachments/"
    scan = {"file": SimpleUploadedFile("同意书.pdf", samples.pdf()), "caption": ""}
    response = api_client(world.principal).post(url, scan, format="multipart")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["consent"] == consent.pk and body["case"] is None and body["visit"] is None
    assert [row["id"] for row in api_client(world.inspector).get(url).json()["results"]] == [body["id"]]
    refused = api_client(world.inspector).post(
        url, {"file": SimpleUploadedFile("a.pdf", samples.pdf())}, format="multipart"
    )
    assert refused.status_code == 403
    event = AuditEvent.objects.get(action="attachment.uploaded")
    assert event.detail["consent"] == consent.pk and event.detail["pupil_id"] == pupil.pk


@pytest.mark.postgres_only
def test_ten_concurrent_withdrawals_one_wins(live_server, world) -> None:
    """The pupil's row lock orders them: one withdrawal is recorded, nine find it done (409)."""
    pupil = PupilFactory.create(classroom=world.classroom)
    consent = give_consent(pupil, PHOTOS, by=world.owner)
    status, body = call(f"{live_server.url}/api/v1/auth/token/", {"username": "owner", "password": "pw"})
    assert status == 200, body
    url = f"{live_server.url}{withdrawing(consent.pk)}"
    barrier = threading.Barrier(CLIENTS)
    results: list[tuple[int, dict]] = []
    lock = threading.Lock()

    def click(number: int) -> None:
        barrier.wait()
        result = call(url, {"reason": f"家长来电 {number}"}, body["token"])
        with lock:
            results.append(result)

    threads = [threading.Thread(target=click, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
    assert sorted(status for status, _ in results) == [200] + [409] * (CLIENTS - 1), results
    winner = next(body for status, body in results if status == 200)
    consent.refresh_from_db()
    assert consent.withdrawal_reason == winner["withdrawal_reason"]
    assert AuditEvent.objects.filter(action="consent.withdrawn").count() == 1
