"""The break-glass pages: the button on the case page, the warning and reason, the read-only notes,
the review page and the notification."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from audit.models import AuditEvent
from casework import notes, services
from casework.models import BreakGlassAccess, Case, CounsellingNote
from tests.builders import open_case
from workflows.models import Notification

SECRET = "孩子提到家里经常吵架"
REASON = "学生今晚发出自伤信号，需要立即了解既往咨询情况以便干预"
T0 = datetime.datetime(2026, 5, 12, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def case(world) -> Case:
    case = open_case(world.classroom, by=world.colleague, categories=["psychological"])
    notes.note_create(case_id=case.pk, user=world.counsellor, content=SECRET)
    return case


def open_url(case: Case) -> str:
    return reverse("casework:break_glass_open", args=[case.pk])


def notes_url(case: Case) -> str:
    return reverse("casework:case_notes", args=[case.pk])


LIST_URL = reverse("casework:break_glass_list")


def test_the_case_page_offers_the_glass_to_leaders_and_inspectors_only(world, case, client: Client) -> None:
    for persona in ("principal", "inspector"):
        client.force_login(getattr(world, persona))
        html = client.get(reverse("casework:case_detail", args=[case.pk])).content.decode()
        assert 'data-link="break-glass"' in html, persona
        assert 'data-link="notes"' not in html, persona
    for persona in ("owner", "colleague", "admin", "counsellor"):
        client.force_login(getattr(world, persona))
        html = client.get(reverse("casework:case_detail", args=[case.pk])).content.decode()
        assert 'data-link="break-glass"' not in html, persona


def test_a_principal_breaks_the_glass_and_reads_but_cannot_write(world, case, client: Client) -> None:
    client.force_login(world.principal)
    form = client.get(open_url(case))
    assert form.status_code == 200
    assert "no-store" in form["Cache-Control"]
    assert "data-break-glass-warning" in form.content.decode()

    short = client.post(open_url(case), {"reason": "紧急"})
    assert short.status_code == 400
    assert "紧急" in short.content.decode()  # nothing typed is lost
    assert not BreakGlassAccess.objects.exists()

    with time_machine.travel(T0, tick=False):
        response = client.post(open_url(case), {"reason": REASON}, follow=True)
        assert response.redirect_chain == [(notes_url(case), 302)]
        html = response.content.decode()
        assert SECRET in html
        assert "data-break-glass-active" in html
        assert 'name="content"' not in html  # no form to write a note
        assert REASON in html  # the list of emergency accesses on the notes page
        # A second visit to the form goes straight to the notes.
        assert client.get(open_url(case))["Location"] == notes_url(case)
        case_page = client.get(reverse("casework:case_detail", args=[case.pk])).content.decode()
        assert 'data-link="notes"' in case_page and "data-break-glass-active" in case_page
        assert client.post(notes_url(case), {"content": "校长补充"}).status_code == 403
    assert CounsellingNote.objects.count() == 1
    with time_machine.travel(T0 + datetime.timedelta(minutes=61), tick=False):
        assert client.get(notes_url(case)).status_code == 403  # back to what it was before
    assert AuditEvent.objects.filter(action="notes.break_glass_opened", actor=world.principal).count() == 1


def test_the_granted_counsellor_sees_who_broke_the_glass_and_why(world, case, client: Client) -> None:
    services.break_glass_open(case_id=case.pk, user=world.inspector, reason=REASON)
    client.force_login(world.counsellor)
    html = client.get(notes_url(case)).content.decode()
    assert REASON in html and 'name="content"' in html and "data-break-glass-active" not in html
    notifications = client.get(reverse("workflows:notifications")).content.decode()
    assert 'data-kind="break_glass"' in notifications
    # Opening the notification (it marks it read) goes to the case.
    note = Notification.objects.get(user=world.counsellor, kind="break_glass")
    assert f'data-open="{note.pk}"' in notifications
    opened = client.post(reverse("workflows:notification_open", args=[note.pk]))
    assert opened["Location"] == reverse("casework:case_detail", args=[case.pk])


def test_others_are_refused(world, case, client: Client) -> None:
    for persona in ("owner", "colleague", "admin"):  # they see the case: 403
        client.force_login(getattr(world, persona))
        assert client.get(open_url(case)).status_code == 403, persona
        assert client.post(open_url(case), {"reason": REASON}).status_code == 403, persona
    for persona in ("outsider", "custodian"):  # they do not: 404
        client.force_login(getattr(world, persona))
        assert client.get(open_url(case)).status_code == 404, persona
        assert client.post(open_url(case), {"reason": REASON}).status_code == 404, persona
    client.force_login(world.counsellor)  # granted: straight to the notes
    assert client.get(open_url(case))["Location"] == notes_url(case)
    client.force_login(world.principal)
    assert client.put(open_url(case)).status_code == 405
    assert not BreakGlassAccess.objects.exists()
    # Every refused attempt to open them is on the record, the unseen ones without the school.
    refused = AuditEvent.objects.filter(action="notes.break_glass_refused").order_by("id")
    assert [(e.actor_id, e.school_id) for e in refused] == [
        (world.owner.pk, world.school.pk),
        (world.colleague.pk, world.school.pk),
        (world.admin.pk, world.school.pk),
        (world.outsider.pk, None),
        (world.custodian.pk, None),
    ]


def test_the_review_page(world, case, client: Client) -> None:
    grant = services.break_glass_open(case_id=case.pk, user=world.principal, reason=REASON)

    client.force_login(world.principal)  # sees their school's, does not review
    html = client.get(LIST_URL).content.decode()
    assert f'data-break-glass="{grant.pk}"' in html and "data-unreviewed" in html
    assert "data-review=" not in html
    assert (
        client.post(reverse("casework:break_glass_review", args=[grant.pk]), {"comment": "x"}).status_code
        == 403
    )

    client.force_login(world.inspector)
    html = client.get(LIST_URL).content.decode()
    assert f'data-review="{grant.pk}"' in html and REASON in html
    review = reverse("casework:break_glass_review", args=[grant.pk])
    assert client.get(review).status_code == 405
    response = client.post(review, {"comment": "理由充分"}, follow=True)
    assert response.redirect_chain == [(LIST_URL, 302)]
    grant.refresh_from_db()
    assert (grant.reviewed_by, grant.review_comment) == (world.inspector, "理由充分")
    assert f'data-break-glass="{grant.pk}"' not in response.content.decode()  # unreviewed only
    assert f'data-break-glass="{grant.pk}"' in client.get(LIST_URL, {"reviewed": "yes"}).content.decode()

    for persona in ("owner", "counsellor", "custodian", "outsider"):
        client.force_login(getattr(world, persona))
        assert client.get(LIST_URL).status_code == 404, persona
        assert client.post(review, {"comment": "x"}).status_code == 404, persona


def test_the_menu_counts_the_unreviewed(world, case, client: Client) -> None:
    services.break_glass_open(case_id=case.pk, user=world.principal, reason=REASON)
    client.force_login(world.inspector)
    html = client.get(reverse("portal:home")).content.decode()
    assert 'data-nav="break_glass"' in html and 'data-unreviewed="1"' in html
