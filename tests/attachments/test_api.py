"""/api/v1/ attachment endpoints: JSON errors, never a 500; files only after the access check."""

from __future__ import annotations

from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

from attachments.checks import private_root_not_served
from attachments.models import Attachment
from attachments.storage import private_storage
from audit.models import AuditEvent
from casework.models import State
from consents.models import Purpose
from tests.api.helpers import api_client
from tests.attachments import samples
from tests.attachments.samples import streamed
from tests.builders import drive_to, give_consent, open_case, schedule_visit


def case_list(case_id: int) -> str:
    return f"/api/v1/cases/{case_id}/attachments/"


def visit_list(visit_id: int) -> str:
    return f"/api/v1/visits/{visit_id}/attachments/"


def detail(attachment_id: int) -> str:
    return f"/api/v1/attachments/{attachment_id}/"


def upload(name: str, data: bytes) -> dict[str, object]:
    return {
        "file": SimpleUploadedFile(name, data, content_type="application/octet-stream"),
        "caption": "说明",
    }


def test_upload_list_read_download_and_delete(world, private_root: Path) -> None:
    case = open_case(world.classroom, by=world.owner)  # owner and class teacher: world.owner
    visit = schedule_visit(case, by=world.owner)
    give_consent(case.pupil, Purpose.HOME_VISIT_PHOTOS, by=world.owner)  # the visit's photo below needs it
    owner = api_client(world.owner)

    response = owner.post(case_list(case.pk), upload("证明.pdf", samples.pdf()), format="multipart")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["case"] == case.pk and body["visit"] is None and body["name"] == "证明.pdf"
    assert body["content_type"] == "application/pdf" and body["caption"] == "说明"
    assert body["download_url"] == detail(body["id"]) + "download/"
    response = owner.post(visit_list(visit.pk), upload("家访.webp", samples.webp()), format="multipart")
    assert response.status_code == 201 and response.json()["visit"] == visit.pk
    on_visit = response.json()["id"]

    listed = owner.get(case_list(case.pk)).json()
    assert listed["count"] == 2 and [row["name"] for row in listed["results"]] == ["家访.webp", "证明.pdf"]
    assert [row["id"] for row in owner.get(visit_list(visit.pk)).json()["results"]] == [on_visit]

    inspector = api_client(world.inspector)
    assert inspector.get(detail(body["id"])).json()["sha256"] == body["sha256"]
    response = inspector.get(detail(body["id"]) + "download/", HTTP_ACCEPT="application/octet-stream")
    assert response.status_code == 200 and streamed(response) == samples.pdf()
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Type"] == "application/pdf" and response["Content-Security-Policy"] == "sandbox"
    assert response["X-Content-Type-Options"] == "nosniff" and "no-store" in response["Cache-Control"]

    # The inspector reads, never writes.
    response = inspector.post(case_list(case.pk), upload("a.pdf", samples.pdf()), format="multipart")
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    assert (
        inspector.post(visit_list(visit.pk), upload("a.pdf", samples.pdf()), format="multipart").status_code
        == 403
    )
    assert inspector.delete(detail(on_visit)).status_code == 403

    assert owner.delete(detail(on_visit)).status_code == 204
    assert owner.get(detail(on_visit)).status_code == 404
    assert owner.get(case_list(case.pk)).json()["count"] == 1
    assert owner.put(detail(body["id"]), {}).status_code == 405
    assert owner.post(detail(body["id"]) + "download/").status_code == 405

    actions = list(
        AuditEvent.objects.filter(action__startswith="attachment.")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "attachment.uploaded",
        "attachment.uploaded",
        "attachment.downloaded",
        "attachment.removed",
    ]

    # Once the case is closed: 409.
    drive_to(case, State.CLOSED, leader=world.principal)
    response = owner.post(case_list(case.pk), upload("a.pdf", samples.pdf()), format="multipart")
    assert response.status_code == 409 and response.json()["code"] == "invalid_state"
    assert owner.delete(detail(body["id"])).status_code == 409


def test_refusals_are_json(world, settings) -> None:
    mine = open_case(world.classroom, by=world.owner)
    theirs = open_case(world.other_classroom, by=world.outsider)
    their_visit = schedule_visit(theirs, by=world.outsider)
    outsider = api_client(world.outsider)
    outsider.post(case_list(theirs.pk), upload("a.pdf", samples.pdf()), format="multipart")
    theirs_file = Attachment.objects.get().pk

    owner = api_client(world.owner)
    # Another school's case, visit and attachment: 404, JSON, whatever the method.
    for response in (
        owner.get(case_list(theirs.pk)),
        owner.post(case_list(theirs.pk), upload("a.pdf", samples.pdf()), format="multipart"),
        owner.get(visit_list(their_visit.pk)),
        owner.post(visit_list(their_visit.pk), upload("a.pdf", samples.pdf()), format="multipart"),
        owner.get(detail(theirs_file)),
        owner.get(detail(theirs_file) + "download/"),
        owner.delete(detail(theirs_file)),
        api_client(world.colleague).get(detail(theirs_file)),
    ):
        assert response.status_code == 404 and response.json()["code"] == "not_found"
    anonymous = api_client()
    for url in (case_list(mine.pk), detail(theirs_file), detail(theirs_file) + "download/"):
        assert anonymous.get(url).status_code == 401

    bad = [
        upload("photo.jpg", samples.EXE),
        upload("image.png", samples.HTML),
        upload("empty.pdf", b""),
        {"caption": "no file"},
        {"file": SimpleUploadedFile("a.pdf", samples.pdf()), "caption": "长" * 201},
    ]
    for data in bad:
        response = owner.post(case_list(mine.pk), data, format="multipart")
        assert response.status_code == 400 and response.json()["code"] == "invalid", data
        assert set(response.json()["errors"]) <= {"file", "caption"}
    response = owner.post(case_list(mine.pk), {"file": "not a file"}, format="json")
    assert response.status_code == 415
    settings.WANJIA_UPLOAD_MAX_BYTES = settings.WANJIA_ATTACHMENT_MAX_BYTES = 1000
    response = owner.post(
        case_list(mine.pk), upload("big.pdf", samples.pdf() + bytes(2000)), format="multipart"
    )
    assert response.status_code == 400 and "file" in response.json()["errors"]
    assert Attachment.objects.count() == 1


def test_the_private_root_must_not_be_served(settings, tmp_path: Path) -> None:
    assert private_root_not_served() == []
    settings.WANJIA_PRIVATE_MEDIA_ROOT = Path(settings.MEDIA_ROOT) / "private"
    assert [error.id for error in private_root_not_served()] == ["attachments.E001"]
    settings.WANJIA_PRIVATE_MEDIA_ROOT = Path(settings.STATIC_ROOT)
    assert [error.id for error in private_root_not_served()] == ["attachments.E001"]
    settings.WANJIA_PRIVATE_MEDIA_ROOT = tmp_path
    assert private_storage.location == str(tmp_path)


def test_a_visit_without_a_case_follows_the_visit_rules(world, private_root: Path) -> None:
    """A caseless visit: its participants upload, the class teacher and leaders read, the
    principal removes; a teacher who is not on the visit and the other school get 404."""
    from casework.services import visit_create
    from tests.factories import PupilFactory

    pupil = PupilFactory.create(school=world.school, classroom=world.classroom)  # class teacher: owner
    visit = visit_create(user=world.colleague, pupil_id=pupil.pk)  # 包人: the colleague visits alone
    assert visit.case_id is None

    created = api_client(world.colleague).post(visit_list(visit.pk), upload("家访.pdf", samples.pdf()))
    assert created.status_code == 201, created.content
    attachment = Attachment.objects.get(pk=created.json()["id"])
    assert attachment.school_id == world.school.pk and attachment.case_id is None

    for reader in (world.owner, world.principal, world.inspector):
        assert api_client(reader).get(f"{detail(attachment.pk)}download/").status_code == 200
    # The class teacher may read the visit but is no participant: no upload.
    refused = api_client(world.owner).post(visit_list(visit.pk), upload("x.pdf", samples.pdf()))
    assert refused.status_code == 403
    for stranger in (world.counsellor, world.outsider, world.custodian):
        assert api_client(stranger).get(visit_list(visit.pk)).status_code == 404
        assert api_client(stranger).get(f"{detail(attachment.pk)}download/").status_code == 404

    assert api_client(world.principal).delete(detail(attachment.pk)).status_code == 204
    attachment.refresh_from_db()
    assert attachment.removed_by == world.principal
