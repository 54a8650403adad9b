"""The confidential notes page: only counsellors granted on the case, never cached, always audited."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from audit.models import AuditEvent
from casework import notes
from casework.models import Case, CounsellingNote
from tests.builders import open_case
from tests.casework.view_support import page

SECRET = "孩子提到家里经常吵架"


def notes_url(case: Case) -> str:
    return reverse("casework:case_notes", args=[case.pk])


def test_the_granted_counsellor_reads_and_writes_notes(world, client: Client) -> None:
    case = open_case(world.classroom, by=world.owner, categories=["psychological"])
    notes.note_create(case_id=case.pk, user=world.counsellor, content=SECRET)
    client.force_login(world.counsellor)
    response = client.get(notes_url(case))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert SECRET in html
    assert "data-confidential" in html and "保密" in html
    assert AuditEvent.objects.filter(action="note.read", actor=world.counsellor).count() == 1

    response = client.post(notes_url(case), {"content": "第二次谈话，情绪好转"}, follow=True)
    assert response.redirect_chain == [(notes_url(case), 302)]
    assert "第二次谈话，情绪好转" in response.content.decode()
    assert CounsellingNote.objects.filter(case=case).count() == 2
    stored = CounsellingNote.objects.order_by("id").values_list("ciphertext", flat=True)
    assert all("第二次谈话".encode() not in bytes(c) for c in stored)  # encrypted at rest


def test_everyone_else_is_refused_as_the_notes_module_says(world, client: Client) -> None:
    case = open_case(world.classroom, by=world.owner, categories=["psychological"])
    for persona in ("owner", "principal", "admin", "inspector"):  # they see the case: 403
        client.force_login(getattr(world, persona))
        assert client.get(notes_url(case)).status_code == 403, persona
        assert client.post(notes_url(case), {"content": "x"}).status_code == 403, persona
    for persona in ("colleague", "outsider", "custodian"):  # they do not: 404
        client.force_login(getattr(world, persona))
        assert client.get(notes_url(case)).status_code == 404, persona
        assert client.post(notes_url(case), {"content": "x"}).status_code == 404, persona
    assert not CounsellingNote.objects.exists()
    assert AuditEvent.objects.filter(action="note.read_refused").count() == 7
    assert AuditEvent.objects.filter(action="note.write_refused").count() == 7


def test_a_counsellor_without_the_grant_does_not_see_the_notes(world, client: Client) -> None:
    # Not psychological: nobody granted.
    case = open_case(world.classroom, by=world.owner, categories=["academic"])
    page(client, world.counsellor, notes_url(case), status=404)


def test_an_empty_note_shows_an_error_and_saves_nothing(world, client: Client) -> None:
    case = open_case(world.classroom, by=world.owner, categories=["psychological"])
    client.force_login(world.counsellor)
    response = client.post(notes_url(case), {"content": "   "})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"content"}
    assert "no-store" in response["Cache-Control"]
    assert not CounsellingNote.objects.exists()

    long_text = "很长" * 10_001
    response = client.post(notes_url(case), {"content": long_text})
    assert response.status_code == 200
    assert long_text in response.content.decode()  # nothing typed is lost
    assert not CounsellingNote.objects.exists()


def test_the_notes_page_accepts_only_get_and_post(world, client: Client) -> None:
    case = open_case(world.classroom, by=world.owner, categories=["psychological"])
    client.force_login(world.counsellor)
    assert client.put(notes_url(case)).status_code == 405
    assert client.delete(notes_url(case)).status_code == 405
