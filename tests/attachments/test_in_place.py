"""Uploading and removing in place (static/js/wanjia.js): the same views answer JSON when the
page's script asks for it (Accept: application/json), and the usual redirect otherwise."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse

from attachments.models import Attachment
from audit.models import AuditEvent
from casework.models import State
from consents.models import Purpose
from tests.attachments import samples
from tests.builders import drive_to, give_consent, open_case, schedule_visit
from tests.casework.view_support import page

JSON = {"accept": "application/json"}


def visit_with_case(world: Any) -> Any:
    case = drive_to(open_case(world.classroom, by=world.owner), State.INTERVENTION, leader=world.principal)
    return case, schedule_visit(case, by=world.owner)


def test_the_record_page_offers_the_upload_with_its_limit(world, client: Client) -> None:
    case, visit = visit_with_case(world)
    html = page(client, world.owner, reverse("casework:visit_record", args=[case.pk, visit.pk]))
    assert f'data-max-bytes="{settings.WANJIA_ATTACHMENT_MAX_BYTES}"' in html
    assert "data-upload-progress" in html and "data-msg-too-large=" in html
    assert "js/wanjia.js" in html and 'type="module"' in html


def test_a_photo_uploaded_in_place_answers_json_with_its_row(
    world, client: Client, private_root: Path
) -> None:
    case, visit = visit_with_case(world)
    give_consent(case.pupil, Purpose.HOME_VISIT_PHOTOS, by=world.owner)
    client.force_login(world.owner)
    url = reverse("attachments:visit_upload", args=[visit.pk])
    photo = SimpleUploadedFile("家访.jpg", samples.jpeg())
    response = client.post(url, {"file": photo, "caption": "学习角"}, headers=JSON)
    assert response.status_code == 201 and response["Content-Type"] == "application/json"
    attachment = Attachment.objects.get()
    body = response.json()
    assert body["id"] == attachment.pk and body["name"] == "家访.jpg" and body["content_type"] == "image/jpeg"
    assert body["download_url"] == reverse("attachments:download", args=[attachment.pk])
    assert body["remove_url"] == reverse("attachments:remove", args=[attachment.pk])
    assert body["thumbnail_url"] is None and body["message"]
    assert f'data-attachment="{attachment.pk}"' in body["html"] and "data-image" in body["html"]
    assert (
        "学习角" in body["html"] and "data-confirm=" in body["html"] and "csrfmiddlewaretoken" in body["html"]
    )
    assert AuditEvent.objects.filter(action="attachment.uploaded").count() == 1


def test_without_the_photo_consent_the_refusal_comes_back_in_json(
    world, client: Client, private_root: Path
) -> None:
    _case, visit = visit_with_case(world)
    client.force_login(world.owner)
    url = reverse("attachments:visit_upload", args=[visit.pk])
    response = client.post(
        url,
        {"file": SimpleUploadedFile("家访.png", samples.png())},
        headers={**JSON, "accept-language": "en"},
    )
    assert response.status_code == 400 and response["Content-Type"] == "application/json"
    body = response.json()
    assert "consent to home-visit photos" in body["detail"] and body["errors"]["file"] == [body["detail"]]
    assert not Attachment.objects.exists()
    # A document needs no consent.
    response = client.post(url, {"file": SimpleUploadedFile("证明.pdf", samples.pdf())}, headers=JSON)
    assert response.status_code == 201


def test_bad_files_and_a_missing_file_answer_json(world, client: Client, private_root: Path) -> None:
    case, _visit = visit_with_case(world)
    client.force_login(world.owner)
    url = reverse("attachments:case_upload", args=[case.pk])
    response = client.post(url, {"caption": "x"}, headers={**JSON, "accept-language": "en"})
    assert response.status_code == 400 and response.json()["detail"] == "Choose a photo or a document."
    response = client.post(url, {"file": SimpleUploadedFile("x.pdf", samples.HTML)}, headers=JSON)
    assert response.status_code == 400 and response.json()["errors"]["file"]
    with override_settings(WANJIA_ATTACHMENT_MAX_BYTES=2000, WANJIA_UPLOAD_MAX_BYTES=2000):
        big = SimpleUploadedFile("big.pdf", samples.pdf() + b"%" * 5000)
        response = client.post(url, {"file": big}, headers={**JSON, "accept-language": "en"})
    assert response.status_code == 400 and "larger than" in response.json()["detail"]
    assert not Attachment.objects.exists()
    # Without the header: the page, as before.
    response = client.post(url, {"file": SimpleUploadedFile("证明.pdf", samples.pdf())})
    assert response.status_code == 302


def test_removal_in_place_answers_json(world, client: Client, private_root: Path) -> None:
    case, _visit = visit_with_case(world)
    client.force_login(world.owner)
    client.post(
        reverse("attachments:case_upload", args=[case.pk]),
        {"file": SimpleUploadedFile("a.pdf", samples.pdf())},
    )
    attachment = Attachment.objects.get()
    remove = reverse("attachments:remove", args=[attachment.pk])
    client.force_login(world.colleague)  # neither uploader nor leader
    assert client.post(remove, headers=JSON).status_code in (403, 404)
    client.force_login(world.owner)
    response = client.post(remove, headers=JSON)
    assert response.status_code == 200 and response.json()["removed"] == attachment.pk
    attachment.refresh_from_db()
    assert attachment.is_removed
    assert client.post(remove, headers=JSON).status_code == 404
