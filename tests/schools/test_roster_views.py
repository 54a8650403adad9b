"""The roster upload page: administrators import; everyone else gets 404."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from schools.models import Guardian, Membership, Pupil
from tests.factories import MembershipFactory
from tests.schools.test_roster_import import PUPIL_HEADINGS, make_csv, make_xlsx, pupil_row

URL = reverse("schools:roster_upload")


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


@pytest.fixture
def admin_client(client, world):
    client.force_login(world.admin)
    return client


def test_get_shows_the_form(admin_client, world):
    response = admin_client.get(URL)
    assert response.status_code == 200
    assert b'enctype="multipart/form-data"' in response.content
    assert b"csrfmiddlewaretoken" in response.content
    assert world.school.name in response.content.decode()


def test_post_imports_and_shows_the_counts(admin_client, world):
    data = make_xlsx([*PUPIL_HEADINGS, "爱好"], [[*pupil_row(n, 班级="五年级(2)班"), "x"] for n in (1, 2, 3)])

    response = admin_client.post(
        URL, {"school": world.school.pk, "kind": "auto", "file": upload("名单.xlsx", data)}
    )

    assert response.status_code == 200
    report = response.context["report"]
    assert report.ok and (report.created, report.updated, report.unchanged) == (3, 0, 0)
    page = response.content.decode()
    assert "爱好" in page and report.new_classrooms[0] in page
    assert Pupil.objects.filter(school=world.school).count() == 3


def test_post_with_bad_rows_shows_them_and_writes_nothing(admin_client, world):
    rows = [pupil_row(1), pupil_row(2, gender="?"), pupil_row(3, 出生日期="2099-01-01")]
    data = make_csv(PUPIL_HEADINGS, rows)

    response = admin_client.post(
        URL, {"school": world.school.pk, "kind": "pupils", "file": upload("名单.csv", data)}
    )

    assert response.status_code == 200
    report = response.context["report"]
    assert not report.ok
    assert [(e.row, e.column) for e in report.errors] == [(3, "性别"), (4, "出生日期")]
    page = response.content.decode()
    assert 'class="stack"' in page and 'data-label="' in page and "出生日期" in page
    assert not Pupil.objects.exists() and not Guardian.objects.exists()


def test_the_form_checks_the_file(admin_client, world, settings):
    response = admin_client.post(
        URL, {"school": world.school.pk, "kind": "auto", "file": upload("a.txt", b"x")}
    )
    assert response.status_code == 200
    assert "file" in response.context["form"].errors
    assert "report" not in response.context

    settings.WANJIA_ROSTER_MAX_BYTES = 10
    data = make_csv(PUPIL_HEADINGS, [pupil_row(1)])
    response = admin_client.post(
        URL, {"school": world.school.pk, "kind": "auto", "file": upload("a.csv", data)}
    )
    assert "file" in response.context["form"].errors
    assert not Pupil.objects.exists()


def test_a_school_the_user_does_not_administer_cannot_be_chosen(admin_client, world):
    data = make_csv(PUPIL_HEADINGS, [pupil_row(1)])
    response = admin_client.post(
        URL, {"school": world.other_school.pk, "kind": "auto", "file": upload("a.csv", data)}
    )
    assert "school" in response.context["form"].errors
    assert not Pupil.objects.exists()


def test_a_principal_of_two_schools_picks_the_school(client, world):
    MembershipFactory.create(
        user=world.principal, school=world.other_school, role=Membership.Role.VICE_PRINCIPAL
    )
    client.force_login(world.principal)
    response = client.get(URL)
    assert response.status_code == 200
    assert '<select name="school"' in response.content.decode()

    data = make_csv(PUPIL_HEADINGS, [pupil_row(1, 班级="初二(1)班")])
    response = client.post(
        URL, {"school": world.other_school.pk, "kind": "auto", "file": upload("a.csv", data)}
    )
    assert response.context["report"].ok
    assert Pupil.objects.get().school == world.other_school


@pytest.mark.parametrize(
    "persona", ["colleague", "outsider", "inspector", "owner", "counsellor", "custodian"]
)
def test_everyone_else_gets_404(client, world, persona):
    client.force_login(getattr(world, persona))
    assert client.get(URL).status_code == 404
    data = make_csv(PUPIL_HEADINGS, [pupil_row(1)])
    response = client.post(URL, {"school": world.school.pk, "kind": "auto", "file": upload("a.csv", data)})
    assert response.status_code == 404
    assert not Pupil.objects.exists()


def test_an_inactive_membership_does_not_count(client, world):
    Membership.objects.filter(user=world.admin).update(is_active=False)
    client.force_login(world.admin)
    assert client.get(URL).status_code == 404


def test_anonymous_users_are_sent_to_log_in(client, world):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_wrong_method_is_refused(admin_client):
    assert admin_client.put(URL).status_code == 405
    assert admin_client.delete(URL).status_code == 405


def test_post_needs_the_csrf_token(world):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(world.admin)
    data = make_csv(PUPIL_HEADINGS, [pupil_row(1)])
    response = client.post(URL, {"school": world.school.pk, "kind": "auto", "file": upload("a.csv", data)})
    assert response.status_code == 403
    assert not Pupil.objects.exists()


@pytest.mark.parametrize(
    ("kind", "extension"), [("pupils", "xlsx"), ("pupils", "csv"), ("staff", "xlsx"), ("staff", "csv")]
)
def test_blank_templates_download_for_administrators(client, world, kind, extension):
    client.force_login(world.admin)
    response = client.get(f"/schools/import/templates/{kind}.{extension}")
    assert response.status_code == 200
    assert f'filename="{kind}.{extension}"' in response["Content-Disposition"]
    content = b"".join(response.streaming_content)
    if extension == "csv":
        assert "姓名" in content.decode("utf-8-sig").splitlines()[0]
    else:
        assert content[:2] == b"PK"


def test_blank_templates_are_404_for_others_and_for_unknown_names(client, world):
    client.force_login(world.colleague)
    assert client.get("/schools/import/templates/pupils.xlsx").status_code == 404
    client.force_login(world.admin)
    assert client.get("/schools/import/templates/secrets.csv").status_code == 404
    assert client.get("/schools/import/templates/pupils.py").status_code == 404
