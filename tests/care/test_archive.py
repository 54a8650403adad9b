"""Special-group archives: per pupil, yearly entries, and who sees and writes them."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from care import services
from care.models import ArchiveEntry, SpecialGroupArchive
from core.errors import Conflict, Forbidden, Invalid, NotFound
from tests.api.helpers import api_client
from tests.builders import open_case
from tests.care.helpers import weeks_ago
from tests.casework.view_support import page
from tests.factories import PupilFactory

FAMILY = "父母在浙江宁波电子厂务工，由爷爷奶奶照顾"


def save(pupil, user, **extra):
    values: dict[str, Any] = {
        "left_behind": True,
        "single_parent": False,
        "migrant_child": False,
        "family": FAMILY,
        "parents_work": "浙江宁波",
        "contact": "爷爷 139xxxx",
    } | extra
    return services.archive_save(pupil_id=pupil.pk, user=user, **values)


def test_archive_rules_per_persona(world, client: Client) -> None:
    pupil = PupilFactory.create(classroom=world.classroom, left_behind=True)  # class teacher: world.owner
    archive = save(pupil, world.owner)
    assert archive.school == world.school and archive.groups
    event = AuditEvent.objects.get(action="care.archive_create")
    assert event.detail["pupil_id"] == pupil.pk and FAMILY not in str(event.detail)
    this_year = timezone.localdate().year
    services.archive_entry_save(
        pupil_id=pupil.pk, user=world.owner, year=this_year - 1, record="去年：成绩中等"
    )
    services.archive_entry_save(
        pupil_id=pupil.pk, user=world.principal, year=this_year, record="今年：情绪低落", support="每周谈心"
    )
    # Again for the same year: the entry is brought up to date, not doubled.
    services.archive_entry_save(pupil_id=pupil.pk, user=world.owner, year=this_year, record="今年：情绪好转")
    assert ArchiveEntry.objects.filter(archive=archive).count() == 2
    assert AuditEvent.objects.filter(action="care.archive_entry_update").count() == 1

    url = reverse("care:archive_detail", args=[pupil.pk])
    api = f"/api/v1/pupils/{pupil.pk}/archive/"
    # Colleague (same school, no tie), counsellor, custodian, other school: 404 on page and API.
    for user in (world.colleague, world.counsellor, world.custodian, world.outsider):
        page(client, user, url, status=404)
        assert api_client(user).get(api).status_code == 404
        with pytest.raises(NotFound):
            save(pupil, user)
    # School administrator and inspector: read-only.
    for user in (world.admin, world.inspector):
        html = page(client, user, url)
        assert FAMILY in html and "今年：情绪好转" in html and 'data-link="archive-edit"' not in html
        assert api_client(user).get(api).json()["entries"][0]["record"] == "今年：情绪好转"
        with pytest.raises(Forbidden):
            save(pupil, user)
        assert (
            api_client(user).put(api, {"family": "x", "left_behind": True}, format="json").status_code == 403
        )
    # The class teacher and the principal read and write; a case owner of the pupil too.
    for user in (world.owner, world.principal):
        assert 'data-link="archive-edit"' in page(client, user, url)
    case = open_case(
        world.classroom, by=world.colleague, categories=("special_group",), opened_at=weeks_ago()
    )
    other = case.pupil
    save(other, world.colleague, left_behind=False, single_parent=True)  # the case's owner
    # A read of the archive is recorded as such, with the pupil as its target (the access log).
    viewed = AuditEvent.objects.filter(action="archive.viewed", detail__pupil_id=pupil.pk)
    assert viewed.exists()
    assert {(e.target_type, e.target_id) for e in viewed} == {("schools.pupil", str(pupil.pk))}
    # The archive list shows each person what they may read.
    listing = reverse("care:archive_list")
    assert f'data-archive="{archive.pk}"' in page(client, world.inspector, listing)
    assert f'data-archive="{archive.pk}"' not in page(client, world.colleague, listing)
    assert f'data-archive="{other.care_archive.pk}"' in page(client, world.colleague, listing)
    assert "data-archive" not in page(client, world.outsider, listing)
    client.force_login(world.principal)
    with CaptureQueriesContext(connection) as before:
        client.get(listing)
    save(PupilFactory.create(classroom=world.classroom, migrant_child=True), world.owner, migrant_child=True)
    with CaptureQueriesContext(connection) as after:
        response = client.get(listing)
    assert response.content.decode().count("data-archive=") == 3 and len(after) == len(before)


def test_archive_input_rules(world) -> None:
    pupil = PupilFactory.create(classroom=world.classroom)
    with pytest.raises(Conflict) as conflict:
        services.archive_entry_save(pupil_id=pupil.pk, user=world.owner, year=2024, record="x")
    assert conflict.value.code == "no_archive"
    with pytest.raises(Invalid) as info:
        save(pupil, world.owner, left_behind=False, family="")
    assert set(info.value.errors) == {"groups", "family"}
    save(pupil, world.owner, migrant_child=True)
    with pytest.raises(Invalid) as info:
        services.archive_entry_save(
            pupil_id=pupil.pk, user=world.owner, year=timezone.localdate().year + 1, record=""
        )
    assert set(info.value.errors) == {"year", "record"}
    archive = SpecialGroupArchive.objects.get(pupil=pupil)
    assert archive.left_behind and archive.migrant_child  # a pupil can be in several groups


def test_archive_pages_and_api(world, client: Client) -> None:
    pupil = PupilFactory.create(classroom=world.classroom, single_parent=True)
    detail = reverse("care:archive_detail", args=[pupil.pk])
    edit = reverse("care:archive_edit", args=[pupil.pk])
    # Before the archive exists: the pupil page offers to open it, the form starts from the roster.
    html = page(client, world.owner, reverse("portal:pupil_detail", args=[pupil.pk]))
    assert 'data-link="archive-open"' in html
    html = page(client, world.owner, edit)
    assert 'name="single_parent" id="id_single_parent" checked' in html
    assert client.post(edit, {"family": ""}).status_code == 400
    assert client.post(edit, {"single_parent": "on", "family": FAMILY}).status_code == 302
    entry = reverse("care:archive_entry_edit", args=[pupil.pk])
    year = timezone.localdate().year
    assert (
        client.post(entry, {"year": str(year), "record": "本年度记录", "analysis": "分析"}).status_code == 302
    )
    html = page(client, world.owner, detail)
    assert FAMILY in html and f'data-entry="{year}"' in html
    client.force_login(world.admin)
    assert client.post(edit, {"single_parent": "on", "family": "x"}).status_code == 403
    assert client.post(detail).status_code == 405
    client.logout()
    assert client.get(detail).status_code == 302

    api = f"/api/v1/pupils/{pupil.pk}/archive/"
    owner = api_client(world.owner)
    response = owner.put(
        api, {"single_parent": True, "migrant_child": True, "family": "新的情况"}, format="json"
    )
    assert response.status_code == 200 and response.json()["migrant_child"] is True
    response = owner.put(f"{api}entries/{year - 1}/", {"record": "补记去年"}, format="json")
    assert response.status_code == 200
    assert [e["year"] for e in owner.get(api).json()["entries"]] == [year, year - 1]
    assert owner.put(f"{api}entries/1999/", {"record": "x"}, format="json").status_code == 400
    assert (
        api_client(world.inspector).put(f"{api}entries/{year}/", {"record": "x"}, format="json").status_code
        == 403
    )
    assert api_client(world.outsider).put(api, {"family": "x"}, format="json").status_code == 404
    assert api_client().get(api).status_code == 401
    assert owner.delete(api).status_code == 405
    # A pupil without an archive: 404 with its own code, for a reader who may see it.
    bare = PupilFactory.create(classroom=world.classroom)
    assert (
        api_client(world.principal).get(f"/api/v1/pupils/{bare.pk}/archive/").json()["code"] == "no_archive"
    )


def test_a_class_teacher_who_left_the_school_loses_the_archive(world, client: Client) -> None:
    from schools.models import Membership

    pupil = PupilFactory.create(classroom=world.classroom, left_behind=True)  # class teacher: world.owner
    archive = save(pupil, world.owner)
    url = reverse("care:archive_detail", args=[pupil.pk])
    assert FAMILY in page(client, world.owner, url)
    Membership.objects.filter(user=world.owner, school=world.school).update(is_active=False)
    page(client, world.owner, url, status=404)
    assert f'data-archive="{archive.pk}"' not in page(client, world.owner, reverse("care:archive_list"))
    with pytest.raises(NotFound):
        save(pupil, world.owner)
