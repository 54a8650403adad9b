"""Attachment pages: the block on the case and visit pages, upload, download, removal."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation

from attachments.checks import served_roots
from attachments.models import Attachment
from attachments.services import attachment_upload
from audit.models import AuditEvent
from casework.models import State
from consents.models import Purpose
from tests.attachments import samples
from tests.attachments.samples import streamed
from tests.builders import drive_to, give_consent, open_case, schedule_visit
from tests.casework.view_support import page


def case_url(case_id: int) -> str:
    return reverse("casework:case_detail", args=[case_id])


def upload_url(case_id: int) -> str:
    return reverse("attachments:case_upload", args=[case_id])


def download_url(attachment: Attachment) -> str:
    return reverse("attachments:download", args=[attachment.pk])


def stored_files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def test_upload_download_and_who_may(world, client: Client, private_root: Path) -> None:
    # Owner: world.colleague; class teacher: world.owner.
    case = open_case(world.classroom, by=world.colleague)
    html = page(client, world.owner, case_url(case.pk))
    assert 'id="attachments"' in html and f'action="{upload_url(case.pk)}"' in html
    assert 'accept="image/*,application/pdf' in html and 'enctype="multipart/form-data"' in html

    photo = SimpleUploadedFile("../家访照片.JPG", samples.jpeg(), content_type="text/html")
    response = client.post(upload_url(case.pk), {"file": photo, "caption": "  学习角  "})
    assert response.status_code == 302 and response["Location"].endswith(case_url(case.pk) + "#attachments")
    attachment = Attachment.objects.get()
    assert (attachment.case_id, attachment.visit_id, attachment.school_id) == (case.pk, None, case.school_id)
    assert attachment.original_name == "家访照片.jpg" and attachment.content_type == "image/jpeg"
    assert attachment.caption == "学习角" and attachment.uploaded_by == world.owner

    # Stored under the private root, under a random name, outside everything that is served.
    [stored] = stored_files(private_root)
    assert stored.name not in ("家访照片.jpg", "upload") and "." not in stored.name
    assert stored.read_bytes().find(samples.GPS_CANARY) == -1 and stored.stat().st_size == attachment.size
    for root in served_roots():
        assert root not in stored.resolve().parents
    assert (
        Path(settings.MEDIA_ROOT).resolve() not in Path(settings.WANJIA_PRIVATE_MEDIA_ROOT).resolve().parents
    )
    with pytest.raises(ValueError):
        attachment.file.url  # noqa: B018 - no URL exists for a private file

    html = page(client, world.owner, case_url(case.pk))
    assert f'href="{download_url(attachment)}"' in html and "学习角" in html and "data-remove" in html

    for persona in ("owner", "colleague", "principal", "inspector"):
        client.force_login(getattr(world, persona))
        response = client.get(download_url(attachment))
        assert response.status_code == 200, persona
        body = streamed(response)
        assert body == stored.read_bytes()
        assert response["Content-Type"] == "image/jpeg"
        assert response["Content-Disposition"].startswith("inline")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Security-Policy"] == "sandbox"
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    response = client.get(download_url(attachment) + "?download=1")
    assert (
        response["Content-Disposition"].startswith("attachment")
        and "filename*=utf-8''" in (response["Content-Disposition"])
    )
    streamed(response)  # closes the file, the way a WSGI server would

    # The inspector reads but never writes: no form, 403 on the upload page and the upload.
    html = page(client, world.inspector, case_url(case.pk))
    assert f'href="{download_url(attachment)}"' in html and "data-upload" not in html
    assert "data-remove" not in html
    page(client, world.inspector, upload_url(case.pk), status=403)
    response = client.post(upload_url(case.pk), {"file": SimpleUploadedFile("a.pdf", samples.pdf())})
    assert response.status_code == 403
    assert client.post(reverse("attachments:remove", args=[attachment.pk])).status_code == 403

    # Those who do not see the case: 404 everywhere, nothing stored.
    for persona in ("custodian", "outsider"):
        client.force_login(getattr(world, persona))
        assert client.get(download_url(attachment)).status_code == 404
        assert client.get(upload_url(case.pk)).status_code == 404
        assert (
            client.post(upload_url(case.pk), {"file": SimpleUploadedFile("a.pdf", samples.pdf())}).status_code
            == 404
        )
        assert client.post(reverse("attachments:remove", args=[attachment.pk])).status_code == 404
    # Wrong methods; anonymous users go to the login page.
    client.force_login(world.owner)
    assert client.post(download_url(attachment)).status_code == 405
    assert client.head(download_url(attachment)).status_code == 405
    assert client.get(reverse("attachments:remove", args=[attachment.pk])).status_code == 405
    assert client.put(upload_url(case.pk)).status_code == 405
    client.logout()
    for url in (download_url(attachment), upload_url(case.pk)):
        response = client.get(url)
        assert response.status_code == 302 and reverse("accounts:login") in response["Location"]

    assert Attachment.objects.count() == 1 and len(stored_files(private_root)) == 1
    events = AuditEvent.objects.filter(target_type="attachments.attachment", target_id=str(attachment.pk))
    assert events.filter(action="attachment.uploaded", actor=world.owner).count() == 1
    assert events.filter(action="attachment.downloaded").count() == 5
    uploaded = events.get(action="attachment.uploaded")
    assert uploaded.case_id == case.pk and uploaded.detail["sha256"] == attachment.sha256
    assert "caption" not in uploaded.detail
    # A download is a look at the pupil's records: it is in the pupil's access log.
    from audit_browser.selectors import audit_pupil_access_log_for_user

    log = audit_pupil_access_log_for_user(user=world.principal, pupil=case.pupil)
    assert log.filter(action="attachment.downloaded").count() == 5


def test_bad_files_are_refused_with_the_reason(world, client: Client, settings, private_root: Path) -> None:
    case = open_case(world.classroom, by=world.owner)
    client.force_login(world.owner)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    cases = [
        (SimpleUploadedFile("photo.jpg", samples.EXE, content_type="image/jpeg"), "not accepted"),
        (SimpleUploadedFile("image.png", samples.HTML, content_type="image/png"), "not accepted"),
        (SimpleUploadedFile("empty.pdf", b""), "empty"),
        (SimpleUploadedFile("photo.pdf", samples.png()), "rename it to .png"),
        (None, "Choose a photo or a document"),
    ]
    with translation.override("en"):
        for upload, reason in cases:
            data = {"file": upload} if upload else {}
            response = client.post(upload_url(case.pk), data)
            assert response.status_code == 400, reason
            assert reason in response.content.decode(), reason
            assert 'data-field="file"' in response.content.decode()

        # Over the limit while streaming: the handler drops the file, whatever Content-Length says.
        settings.WANJIA_UPLOAD_MAX_BYTES = settings.WANJIA_ATTACHMENT_MAX_BYTES = 2000
        big = SimpleUploadedFile("big.pdf", samples.pdf() + b"%" * 5000)
        response = client.post(upload_url(case.pk), {"file": big})
        assert response.status_code == 400 and "larger than" in response.content.decode()
        # Under the upload handler's cap but over the attachment limit: refused by the service.
        settings.WANJIA_UPLOAD_MAX_BYTES = 10_000
        big = SimpleUploadedFile("big.pdf", samples.pdf() + b"%" * 5000)
        response = client.post(upload_url(case.pk), {"file": big})
        assert response.status_code == 400 and "larger than" in response.content.decode()
    assert not Attachment.objects.exists() and stored_files(private_root) == []
    assert not AuditEvent.objects.filter(action__startswith="attachment.").exists()


def test_visit_attachments_and_removal(
    world, client: Client, private_root: Path, django_capture_on_commit_callbacks
) -> None:
    case = drive_to(
        open_case(world.classroom, by=world.colleague), State.INTERVENTION, leader=world.principal
    )
    visit = schedule_visit(case, by=world.colleague)
    give_consent(case.pupil, Purpose.HOME_VISIT_PHOTOS, by=world.owner)  # the photo below needs it
    visit_page = reverse("visits:visit_detail", args=[visit.pk])
    visit_upload = reverse("attachments:visit_upload", args=[visit.pk])

    html = page(client, world.colleague, visit_page)
    assert f'action="{visit_upload}"' in html
    response = client.post(visit_upload, {"file": SimpleUploadedFile("家访.png", samples.png())})
    assert response.status_code == 302 and response["Location"].endswith(visit_page + "#attachments")
    on_visit = Attachment.objects.get()
    assert (on_visit.case_id, on_visit.visit_id, on_visit.school_id) == (None, visit.pk, case.school_id)
    assert visit_page in response["Location"]
    assert f'href="{download_url(on_visit)}"' in page(client, world.colleague, visit_page)
    html = page(client, world.inspector, case_url(case.pk))  # listed on the case page, with the visit
    assert f'href="{download_url(on_visit)}"' in html and "data-upload" not in html
    page(client, world.inspector, visit_upload, status=403)
    page(client, world.outsider, visit_upload, status=404)
    client.force_login(world.outsider)
    assert client.get(download_url(on_visit)).status_code == 404

    on_case = attachment_upload(user=world.owner, case_id=case.pk, name="证明.pdf", chunks=[samples.pdf()])
    # The class teacher may not remove the paired teacher's file; the principal may.
    client.force_login(world.owner)
    assert client.post(reverse("attachments:remove", args=[on_visit.pk])).status_code == 403
    client.force_login(world.principal)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("attachments:remove", args=[on_visit.pk]))
    assert response.status_code == 302
    on_visit.refresh_from_db()
    assert on_visit.removed_by == world.principal and on_visit.removed_at is not None
    assert len(stored_files(private_root)) == 1  # the removed file's bytes are gone
    assert client.get(download_url(on_visit)).status_code == 404
    assert f'href="{download_url(on_visit)}"' not in page(client, world.colleague, case_url(case.pk))
    removed = AuditEvent.objects.get(action="attachment.removed")
    assert removed.actor == world.principal and removed.detail["sha256"] == on_visit.sha256

    # Once the case is closed nothing is attached or removed.
    drive_to(case, State.CLOSED, leader=world.principal)
    html = page(client, world.owner, case_url(case.pk))
    assert (
        f'href="{download_url(on_case)}"' in html and "data-upload" not in html and "data-remove" not in html
    )
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        response = client.post(upload_url(case.pk), {"file": SimpleUploadedFile("a.pdf", samples.pdf())})
        assert response.status_code == 409 and "The case is closed." in response.content.decode()
        client.post(reverse("attachments:remove", args=[on_case.pk]))
    assert Attachment.objects.present().count() == 1


def test_the_case_page_queries_do_not_grow_with_attachments(
    world, client: Client, django_assert_num_queries
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    case = open_case(world.classroom, by=world.owner)
    attachment_upload(user=world.owner, case_id=case.pk, name="a.pdf", chunks=[samples.pdf()])
    client.force_login(world.principal)
    with CaptureQueriesContext(connection) as one:
        client.get(case_url(case.pk))
    for index in range(4):
        attachment_upload(user=world.owner, case_id=case.pk, name=f"{index}.png", chunks=[samples.png()])
    with django_assert_num_queries(len(one.captured_queries)):
        html = client.get(case_url(case.pk)).content.decode()
    assert html.count('data-link="download"') == 5


def test_the_block_form_carries_the_csrf_token(world) -> None:
    import re

    case = open_case(world.classroom, by=world.owner)
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.owner)
    html = client.get(case_url(case.pk)).content.decode()
    block = html[html.index("data-upload") :]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', block)
    assert token is not None
    photo = SimpleUploadedFile("a.png", samples.png())
    assert client.post(upload_url(case.pk), {"file": photo}).status_code == 403  # no token: refused
    photo = SimpleUploadedFile("a.png", samples.png())
    response = client.post(upload_url(case.pk), {"file": photo, "csrfmiddlewaretoken": token.group(1)})
    assert response.status_code == 302 and Attachment.objects.count() == 1
