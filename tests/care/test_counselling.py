"""Counselling sessions: the content lives only in the confidential notes; the class teacher sees
that a session happened and the next date, never what was said (pages and API alike)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from audit.models import AuditEvent
from care import services
from care.models import CounsellingSession
from casework import notes
from casework.models import CounsellingNote
from core.errors import Conflict, Forbidden, Invalid, NotFound
from tests.api.helpers import api_client
from tests.builders import open_case
from tests.care.helpers import SECRET, days_ago, weeks_ago
from tests.casework.view_support import page


def record(case, user, **extra):
    values: dict[str, Any] = {
        "held_on": days_ago(7),
        "attendance": "attended",
        "duration_minutes": 50,
        "next_session_on": days_ago(-7),
        "content": SECRET,
    } | extra
    return services.counselling_session_record(case_id=case.pk, user=user, **values)


def test_one_service_writes_session_and_note_and_audits_without_content(world) -> None:
    case = open_case(
        world.classroom, by=world.colleague, categories=("psychological",), opened_at=weeks_ago()
    )
    session = record(case, world.counsellor)  # the school's counsellor is granted at opening
    assert session.note is not None and bytes(session.note.ciphertext).find(SECRET.encode()) == -1
    assert [v.content for v in notes.note_list(case_id=case.pk, user=world.counsellor)] == [SECRET]
    events = AuditEvent.objects.filter(
        case_id=case.pk, action__in=["care.counselling_session_create", "note.create"]
    )
    assert sorted(e.action for e in events) == ["care.counselling_session_create", "note.create"]
    for event in AuditEvent.objects.all():
        assert SECRET not in str(event.detail)
    # A missed session needs no content and takes no duration.
    missed = record(case, world.counsellor, attendance="missed", duration_minutes=None, content="")
    assert missed.note is None

    # Nobody else may record one; a refused attempt is audited like any refused note write.
    for user, error in [
        (world.owner, Forbidden),
        (world.colleague, Forbidden),
        (world.principal, Forbidden),
        (world.inspector, Forbidden),
        (world.outsider, NotFound),
    ]:
        with pytest.raises(error):
            record(case, user)
    assert AuditEvent.objects.filter(action="note.write_refused", case_id=case.pk).count() == 5
    # Bad input: nothing written (neither session nor note).
    with pytest.raises(Invalid) as info:
        record(case, world.counsellor, content="", next_session_on=days_ago(10))
    assert set(info.value.errors) == {"content", "next_session_on"}
    assert CounsellingNote.objects.filter(case=case).count() == 1
    # Only on psychological cases, even for a counsellor granted by the principal.
    other = open_case(world.classroom, by=world.colleague, categories=("academic",), opened_at=weeks_ago())
    from casework.services import counsellor_grant

    counsellor_grant(case_id=other.pk, user=world.principal, counsellor_id=world.counsellor.pk)
    with pytest.raises(Conflict) as conflict:
        record(other, world.counsellor)
    assert conflict.value.code == "not_psychological"
    assert not CounsellingNote.objects.filter(case=other).exists()


def test_the_class_teacher_sees_that_it_happened_never_what_was_said(world, client: Client) -> None:
    case = open_case(
        world.classroom, by=world.colleague, categories=("psychological",), opened_at=weeks_ago()
    )
    record(case, world.counsellor)
    url = reverse("care:counselling_list", args=[case.pk])
    api = f"/api/v1/cases/{case.pk}/counselling-sessions/"
    next_day = days_ago(-7).isoformat()
    for user in (world.owner, world.colleague, world.principal, world.inspector, world.counsellor):
        html = page(client, user, url)
        assert f'data-next="{next_day}"' in html and 'data-attendance="attended"' in html
        response = api_client(user).get(api)
        assert response.status_code == 200
        assert response.json()["results"][0]["next_session_on"] == next_day
        assert SECRET.encode() not in response.content  # never from the session endpoints
        if user != world.counsellor:
            assert SECRET not in html and "data-content-hidden" in html
    # The granted counsellor reads the content on the page, and that read is audited.
    reads = AuditEvent.objects.filter(action="note.read", actor=world.counsellor).count()
    html = page(client, world.counsellor, url)
    assert SECRET in html and "data-confidential" in html
    assert AuditEvent.objects.filter(action="note.read", actor=world.counsellor).count() == reads + 1
    assert AuditEvent.objects.filter(action="note.read").exclude(actor=world.counsellor).count() == 0
    page(client, world.outsider, url, status=404)
    assert api_client(world.outsider).get(api).status_code == 404
    # Case page: a link for everyone who sees the case.
    assert 'data-care="counselling"' in page(
        client, world.owner, reverse("casework:case_detail", args=[case.pk])
    )


def test_recording_through_the_page_and_the_api(world, client: Client) -> None:
    case = open_case(
        world.classroom, by=world.colleague, categories=("psychological",), opened_at=weeks_ago()
    )
    url = reverse("care:counselling_create", args=[case.pk])
    form = {
        "held_on": days_ago(2).isoformat(),
        "attendance": "attended",
        "duration_minutes": "45",
        "content": SECRET,
    }
    page(client, world.counsellor, url)
    response = client.post(url, {**form, "content": ""})
    assert response.status_code == 400
    assert client.post(url, form).status_code == 302
    client.force_login(world.owner)
    assert client.get(url).status_code == 403 and client.post(url, form).status_code == 403
    api = f"/api/v1/cases/{case.pk}/counselling-sessions/"
    body = {
        "held_on": days_ago(1).isoformat(),
        "attendance": "attended",
        "duration_minutes": 30,
        "content": "第二次",
    }
    created = api_client(world.counsellor).post(api, body, format="json")
    assert created.status_code == 201 and b"\xe7\xac\xac\xe4\xba\x8c\xe6\xac\xa1" not in created.content
    assert "content" not in created.json()
    assert api_client(world.owner).post(api, body, format="json").status_code == 403
    assert api_client(world.inspector).post(api, body, format="json").status_code == 403
    assert api_client(world.outsider).post(api, body, format="json").json()["code"] == "not_found"
    assert api_client().get(api).status_code == 401
    assert api_client(world.counsellor).delete(api).status_code == 405
    assert CounsellingSession.objects.filter(case=case).count() == 2


def test_a_refused_counselling_page_is_audited_like_a_refused_note_write(world, client: Client) -> None:
    """The page refuses the class teacher (403) through the same check as the service, so the
    attempt is in the trail whether it came by page, form post or API."""
    case = open_case(
        world.classroom, by=world.colleague, categories=("psychological",), opened_at=weeks_ago()
    )
    url = reverse("care:counselling_create", args=[case.pk])
    page(client, world.owner, url, status=403)
    response = client.post(url, {"held_on": days_ago(1).isoformat(), "attendance": "attended"})
    assert response.status_code == 403
    page(client, world.outsider, url, status=404)
    refused = AuditEvent.objects.filter(action="note.write_refused", case_id=case.pk)
    assert [e.detail["reason"] for e in refused.order_by("id")] == [
        "not_granted",
        "not_granted",
        "not_visible",
    ]
    assert all(e.detail["via"] == "care.counselling_session" for e in refused)
    assert not CounsellingSession.objects.exists()
