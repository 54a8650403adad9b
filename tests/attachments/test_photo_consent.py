"""A photo of a home visit needs the guardians' consent to home-visit photos: refused with a clear
message (400 ``consent_missing`` in the API, the form's error on the page) when it is missing,
refused or withdrawn; documents, and photos on a case, do not need it."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from attachments.models import Attachment
from attachments.services import attachment_upload
from audit.models import AuditEvent
from casework.models import State
from consents.models import Purpose
from consents.rules import ConsentMissing
from consents.services import consent_withdraw
from tests.api.helpers import api_client
from tests.attachments import samples
from tests.builders import drive_to, give_consent, open_case, schedule_visit
from tests.casework.view_support import page

PHOTOS = Purpose.HOME_VISIT_PHOTOS


def stored_files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()]


def visit_of_a_case(world):
    case = drive_to(
        open_case(world.classroom, by=world.colleague), State.INTERVENTION, leader=world.principal
    )
    return case, schedule_visit(case, by=world.colleague)


@pytest.mark.parametrize("name,data", [("家访.jpg", samples.jpeg()), ("家访.png", samples.png())])
def test_api_refuses_a_visit_photo_without_consent(world, private_root: Path, name: str, data: bytes) -> None:
    case, visit = visit_of_a_case(world)
    client = api_client(world.colleague)
    url = f"/api/v1/visits/{visit.pk}/attachments/"

    response = client.post(url, {"file": SimpleUploadedFile(name, data)}, format="multipart")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "consent_missing" and case.pupil.name in body["detail"]
    assert body["errors"] == {"file": [body["detail"]]}
    assert not Attachment.objects.exists() and stored_files(private_root) == []
    assert not AuditEvent.objects.filter(action="attachment.uploaded").exists()

    # A document of the visit needs no photo consent.
    assert client.post(url, {"file": SimpleUploadedFile("记录.pdf", samples.pdf())}).status_code == 201
    # A refusal is no consent; a given one is; a withdrawn one no longer.
    give_consent(case.pupil, PHOTOS, by=world.owner, granted=False)
    assert client.post(url, {"file": SimpleUploadedFile(name, data)}).json()["code"] == "consent_missing"
    consent = give_consent(case.pupil, PHOTOS, by=world.owner)
    assert client.post(url, {"file": SimpleUploadedFile(name, data)}).status_code == 201
    consent_withdraw(user=world.owner, consent_id=consent.pk, reason="家长撤回")
    assert client.post(url, {"file": SimpleUploadedFile(name, data)}).status_code == 400
    assert Attachment.objects.count() == 2 and len(stored_files(private_root)) == 2


@pytest.mark.smoke
def test_the_page_shows_the_refusal_on_the_form(world, client: Client, private_root: Path) -> None:
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    case, visit = visit_of_a_case(world)
    url = reverse("attachments:visit_upload", args=[visit.pk])
    page(client, world.colleague, url)
    response = client.post(
        url, {"file": SimpleUploadedFile("家访.webp", samples.webp()), "caption": "学习角"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "home-visit photos" in html and case.pupil.name in html
    assert 'value="学习角"' in html  # nothing typed is lost
    assert not Attachment.objects.exists()


def test_a_photo_of_a_visit_without_a_case_and_a_photo_on_a_case(world, private_root: Path) -> None:
    from casework.services import visit_create

    case = open_case(world.classroom, by=world.owner)
    visit = visit_create(user=world.colleague, pupil_id=case.pupil_id)
    with pytest.raises(ConsentMissing):
        attachment_upload(user=world.colleague, visit_id=visit.pk, name="a.png", chunks=[samples.png()])
    give_consent(case.pupil, PHOTOS, by=world.principal)
    attachment_upload(user=world.colleague, visit_id=visit.pk, name="a.png", chunks=[samples.png()])
    # A picture on the case itself (a certificate, a report card) is no home-visit photo.
    other = open_case(world.classroom, by=world.owner)
    attachment_upload(user=world.owner, case_id=other.pk, name="奖状.jpg", chunks=[samples.jpeg()])
    assert Attachment.objects.count() == 2
