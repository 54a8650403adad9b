"""Roster imports (and refusals) and template downloads are audited."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from tests.schools.test_roster_import import PUPIL_HEADINGS, make_csv, make_xlsx, pupil_row
from tests.schools.test_roster_views import URL, upload

pytestmark = pytest.mark.django_db

IP = "10.3.3.3"


def test_an_import_is_recorded_with_its_counts(client, world):
    client.force_login(world.admin)
    data = make_xlsx(PUPIL_HEADINGS, [pupil_row(n) for n in (1, 2)])
    response = client.post(
        URL, {"school": world.school.pk, "kind": "auto", "file": upload("名单.xlsx", data)}, REMOTE_ADDR=IP
    )
    assert response.status_code == 200 and response.context["report"].ok
    (event,) = AuditEvent.objects.filter(action="roster.import")
    assert (event.actor, event.school_id, event.ip) == (world.admin, world.school.pk, IP)
    assert (event.target_type, event.target_id) == ("schools.school", str(world.school.pk))
    assert (
        event.detail["kind"] == "pupils"
        and event.detail["created"] == 2
        and event.detail["file"] == "名单.xlsx"
    )
    assert event.detail["errors"] == 0
    # Never the pupils' personal data.
    assert str(pupil_row(1)[1]) not in str(event.detail)


def test_a_refused_import_is_recorded_and_writes_nothing_else(client, world):
    client.force_login(world.admin)
    data = make_csv(PUPIL_HEADINGS, [pupil_row(1), pupil_row(2, gender="?")])
    response = client.post(
        URL, {"school": world.school.pk, "kind": "pupils", "file": upload("名单.csv", data)}, REMOTE_ADDR=IP
    )
    assert response.status_code == 200 and not response.context["report"].ok
    (event,) = AuditEvent.objects.filter(action="roster.import_refused")
    assert (event.actor, event.school_id, event.ip) == (world.admin, world.school.pk, IP)
    assert event.detail["errors"] == 1 and event.detail["created"] == 0
    assert not AuditEvent.objects.filter(action="roster.import").exists()


@pytest.mark.parametrize("persona", ["owner", "colleague", "outsider", "inspector", "counsellor"])
def test_people_who_may_not_import_are_refused_and_nothing_is_recorded(client, world, persona):
    client.force_login(getattr(world, persona))
    data = make_csv(PUPIL_HEADINGS, [pupil_row(1)])
    response = client.post(URL, {"school": world.school.pk, "kind": "pupils", "file": upload("a.csv", data)})
    assert response.status_code == 404
    url = reverse("schools:roster_template", args=["pupils", "xlsx"])
    assert client.get(url).status_code == 404
    assert not AuditEvent.objects.filter(action__startswith=("roster.")).exists()
    assert not AuditEvent.objects.filter(action__startswith=("download.")).exists()


def test_a_template_download_is_recorded(client, world):
    client.force_login(world.admin)
    response = client.get(reverse("schools:roster_template", args=["staff", "csv"]), REMOTE_ADDR=IP)
    assert response.status_code == 200
    b"".join(response.streaming_content)
    (event,) = AuditEvent.objects.filter(action="download.roster_template")
    assert (event.actor, event.school_id, event.ip) == (world.admin, world.school.pk, IP)
    assert event.detail == {"file": "staff.csv"}


def test_template_download_refuses_post_and_unknown_files(client, world):
    client.force_login(world.admin)
    assert client.post(reverse("schools:roster_template", args=["staff", "csv"])).status_code == 405
    assert client.get(reverse("schools:roster_template", args=["staff", "pdf"])).status_code == 404
    assert not AuditEvent.objects.filter(action="download.roster_template").exists()
