"""The case page: who sees it, which buttons they get, transitions, the timeline, CSRF."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from casework import notes
from casework.models import Case, State
from tests.builders import approve_plan, open_case, submit_plan, transition, write_plan
from tests.casework.view_support import page, transition_buttons
from tests.factories import MembershipFactory, UserFactory

CANARY = "CANARY-母亲有抑郁倾向-7f3a"


def detail_url(case: Case) -> str:
    return reverse("casework:case_detail", args=[case.pk])


def transition_url(case: Case, name: str) -> str:
    return reverse("casework:case_transition", args=[case.pk, name])


def state_of(case: Case) -> str:
    return Case.objects.get(pk=case.pk).state


@pytest.mark.smoke
def test_the_owner_sees_the_case_with_its_state_and_progress(world, client: Client) -> None:
    case = open_case(
        world.classroom,
        by=world.owner,
        pupil_name="王小明",
        categories=["academic", "poverty"],
        summary="数学跟不上",
    )
    html = page(client, world.owner, detail_url(case))
    assert 'data-state="identified"' in html
    assert 'aria-current="step"' in html and 'data-step="closed"' in html
    for text in ("王小明", "数学跟不上", world.classroom.label, 'data-category="poverty"'):
        assert text in html
    assert f'href="{reverse("portal:pupil_detail", args=[case.pupil_id])}"' in html
    assert transition_buttons(html) == ["draft_plan"]
    assert f'href="{reverse("casework:plan_create", args=[case.pk])}"' in html


def test_who_may_see_the_case_page(world, client: Client) -> None:
    case = open_case(world.classroom, by=world.owner)
    for persona in ("owner", "principal", "admin", "inspector"):
        page(client, getattr(world, persona), detail_url(case))
    for persona in ("colleague", "outsider", "counsellor", "custodian"):
        page(client, getattr(world, persona), detail_url(case), status=404)
    page(client, world.owner, reverse("casework:case_detail", args=[case.pk + 1000]), status=404)


def test_the_case_page_refuses_post(world, client: Client) -> None:
    case = open_case(world.classroom, by=world.owner)
    client.force_login(world.owner)
    assert client.post(detail_url(case)).status_code == 405


def test_the_buttons_are_exactly_the_transitions_available_now(world, client: Client) -> None:
    case = open_case(world.classroom, by=world.colleague)  # owner: colleague; class teacher: world.owner
    assert transition_buttons(page(client, world.colleague, detail_url(case))) == ["draft_plan"]
    assert transition_buttons(page(client, world.owner, detail_url(case))) == ["draft_plan"]
    assert transition_buttons(page(client, world.principal, detail_url(case))) == []

    transition(case, "draft_plan", by=world.owner)
    # No plan yet: submitting is not offered.
    assert transition_buttons(page(client, world.colleague, detail_url(case))) == []
    write_plan(case, by=world.colleague, goals="g", measures="m")
    assert transition_buttons(page(client, world.colleague, detail_url(case))) == ["submit_plan"]

    transition(case, "submit_plan", by=world.colleague)
    assert transition_buttons(page(client, world.principal, detail_url(case))) == [
        "approve_plan",
        "return_plan",
    ]
    assert transition_buttons(page(client, world.colleague, detail_url(case))) == []
    assert transition_buttons(page(client, world.owner, detail_url(case))) == []


def test_the_plans_author_principal_gets_no_approve_button(world, client: Client) -> None:
    case = open_case(world.classroom, by=world.principal)
    submit_plan(case, by=world.principal)
    html = page(client, world.principal, detail_url(case))
    assert transition_buttons(html) == ["return_plan"]


def test_inspectors_read_everything_and_change_nothing(world, client: Client) -> None:
    case = open_case(world.classroom, by=world.owner)
    submit_plan(case, by=world.owner)
    html = page(client, world.inspector, detail_url(case))
    assert transition_buttons(html) == []
    assert "/transitions/" not in html
    # No plan, visit or notes links; only the emergency access to the notes (docs/break-glass.md).
    # (Beside the header's own "change password" link, on every page.)
    assert [link for link in re.findall(r'data-link="([^"]*)"', html) if link != "password-change"] == [
        "break-glass"
    ]
    assert "/counsellors/" not in html
    assert "期末数学及格" in html  # the plan is shown

    client.force_login(world.inspector)
    response = client.post(transition_url(case, "approve_plan"), {"comment": "好"})
    assert response.status_code == 403
    assert 'data-page="forbidden"' in response.content.decode()
    assert state_of(case) == State.AWAITING_APPROVAL


def test_a_transition_moves_the_case_and_redirects_back(world, client: Client) -> None:
    case = open_case(world.classroom, by=world.owner)
    client.force_login(world.owner)
    response = client.post(transition_url(case, "draft_plan"), {"comment": ""}, follow=True)
    assert response.redirect_chain == [(detail_url(case), 302)]
    assert state_of(case) == State.PLANNING
    html = response.content.decode()
    assert 'data-state="planning"' in html
    assert len(list(response.context["messages"])) == 1


def test_the_timeline_shows_a_returned_plan_with_its_comment(world, client: Client) -> None:
    case = open_case(world.classroom, by=world.owner)
    submit_plan(case, by=world.owner)
    client.force_login(world.principal)
    response = client.post(transition_url(case, "return_plan"), {"comment": "目标要更具体一些"})
    assert response.status_code == 302
    html = page(client, world.owner, detail_url(case))
    assert "目标要更具体一些" in html
    assert 'data-from="awaiting_approval" data-to="planning"' in html
    for action in ("case.open", "case.transition", "plan.create"):
        assert f'data-action="{action}"' in html
    assert world.principal.get_full_name() in html


def test_a_missing_comment_is_a_conflict_shown_on_the_page(world, client: Client) -> None:
    case = open_case(world.classroom, by=world.owner)
    submit_plan(case, by=world.owner)
    client.force_login(world.principal)
    response = client.post(transition_url(case, "return_plan"), {"comment": "  "})
    assert response.status_code == 409
    assert 'data-conflict="return_plan"' in response.content.decode()
    assert state_of(case) == State.AWAITING_APPROVAL


def test_a_conflict_keeps_the_comment_that_was_typed(world, client: Client) -> None:
    case = open_case(world.classroom, by=world.owner)
    submit_plan(case, by=world.owner)
    transition(case, "return_plan", by=world.principal, comment="再改改")  # someone else was quicker
    client.force_login(world.principal)
    response = client.post(transition_url(case, "approve_plan"), {"comment": "同意，注意家访安全"})
    assert response.status_code == 409
    html = response.content.decode()
    assert "同意，注意家访安全" in html
    assert 'data-conflict="approve_plan"' in html
    assert state_of(case) == State.PLANNING


def test_transitions_refuse_the_wrong_people_and_get(world, client: Client) -> None:
    case = open_case(world.classroom, by=world.owner)
    client.force_login(world.principal)
    assert client.post(transition_url(case, "draft_plan")).status_code == 403
    for persona in ("colleague", "outsider"):
        client.force_login(getattr(world, persona))
        assert client.post(transition_url(case, "draft_plan")).status_code == 404
    client.force_login(world.owner)
    assert client.post(transition_url(case, "no_such_step")).status_code == 404
    assert client.get(transition_url(case, "draft_plan")).status_code == 405
    assert state_of(case) == State.IDENTIFIED


def test_a_post_without_the_csrf_token_is_refused(world) -> None:
    case = open_case(world.classroom, by=world.owner)
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.owner)
    assert client.post(transition_url(case, "draft_plan")).status_code == 403
    assert state_of(case) == State.IDENTIFIED

    client.get(detail_url(case))  # sets the CSRF cookie, as a browser would
    token = client.cookies["csrftoken"].value
    response = client.post(transition_url(case, "draft_plan"), {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert state_of(case) == State.PLANNING


def test_a_notes_content_never_appears_on_the_case_page(world, client: Client) -> None:
    case = open_case(world.classroom, by=world.owner, categories=["psychological"], summary="情绪低落")
    submit_plan(case, by=world.owner)
    approve_plan(case, by=world.principal)
    notes.note_create(case_id=case.pk, user=world.counsellor, content=CANARY)
    client.force_login(world.counsellor)
    response = client.post(
        reverse("casework:case_notes", args=[case.pk]), {"content": CANARY + "-2"}, follow=True
    )
    assert CANARY in response.content.decode()  # on the notes page, for the granted counsellor

    for persona in ("owner", "principal", "admin", "inspector", "counsellor"):
        html = page(client, getattr(world, persona), detail_url(case))
        assert CANARY not in html, persona
        assert "note." not in html, persona  # no note event in the timeline either
    counsellor_view = page(client, world.counsellor, detail_url(case))
    assert f'href="{reverse("casework:case_notes", args=[case.pk])}"' in counsellor_view
    assert 'data-link="notes"' not in page(client, world.owner, detail_url(case))


def test_the_principal_grants_and_revokes_a_counsellor(world, client: Client) -> None:
    second = UserFactory.create(username="counsellor2", full_name="周老师")
    MembershipFactory.create(user=second, school=world.school, role="counsellor")
    case = open_case(world.classroom, by=world.owner, categories=["academic"])
    grant = reverse("casework:counsellor_grant", args=[case.pk])
    revoke = reverse("casework:counsellor_revoke", args=[case.pk])
    notes_url = reverse("casework:case_notes", args=[case.pk])

    html = page(client, world.principal, detail_url(case))
    assert f'data-counsellor="{second.pk}"' in html and f'action="{grant}"' in html
    assert "/counsellors/" not in page(client, world.owner, detail_url(case))

    client.force_login(world.owner)
    assert client.post(grant, {"counsellor": second.pk}).status_code == 403
    client.force_login(world.outsider)
    assert client.post(grant, {"counsellor": second.pk}).status_code == 404
    client.force_login(world.principal)
    assert client.get(grant).status_code == 405
    response = client.post(grant, {"counsellor": world.outsider.pk}, follow=True)
    assert response.status_code == 200 and "msg-error" in response.content.decode()
    page(client, second, notes_url, status=404)

    client.force_login(world.principal)
    assert client.post(grant, {"counsellor": second.pk}).status_code == 302
    page(client, second, notes_url)
    html = page(client, world.principal, detail_url(case))
    assert 'data-action="permission.grant"' in html and "周老师" in html
    assert f'action="{revoke}"' in html

    assert client.post(revoke, {"counsellor": second.pk}).status_code == 302
    page(client, second, notes_url, status=404)
