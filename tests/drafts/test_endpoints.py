"""The draft endpoint (/drafts/<key>/): the signed-in person's own draft of a form, in JSON;
CSRF as for any page, a size cap, and the draft cleared when the form is saved."""

from __future__ import annotations

import datetime
import json
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from casework.models import State
from drafts.models import Draft
from drafts.services import draft_save
from privacy.services import retention_apply
from tests.builders import drive_to, open_case, schedule_visit
from tests.casework.view_support import page
from tests.opinions.helpers import recorded_visit
from tests.sixones.helpers import campaign

KEY = "visit-record-7"
URL = f"/drafts/{KEY}/"
TYPED = {"family_situation": ["父母在外务工，与奶奶同住"], "no_gifts_pledge": []}


def post(client: Client, url: str, body: object) -> Any:
    return client.post(
        url, json.dumps(body), content_type="application/json", headers={"accept": "application/json"}
    )


def test_the_author_keeps_reads_and_forgets_a_draft(world, client: Client) -> None:
    client.force_login(world.owner)
    assert client.get(URL).status_code == 404
    response = post(client, URL, {"data": TYPED})
    assert response.status_code == 200 and response.json()["key"] == KEY
    draft = Draft.objects.get()
    assert (draft.user, draft.key, draft.data) == (world.owner, KEY, TYPED)
    body = client.get(URL).json()
    assert body["data"] == TYPED and datetime.datetime.fromisoformat(body["updated_at"]) == draft.updated_at
    # Kept again: still one draft per person and form, with the latest text.
    post(client, URL, {"data": {"family_situation": "与爷爷同住"}})
    assert Draft.objects.get().data == {"family_situation": "与爷爷同住"}
    assert client.delete(URL).status_code == 204
    assert not Draft.objects.exists()
    assert client.delete(URL).status_code == 204  # forgetting twice is no error


def test_nobody_else_reads_or_forgets_a_draft(world, client: Client) -> None:
    draft_save(user=world.owner, key=KEY, data=TYPED)
    for persona in ("colleague", "principal", "inspector", "outsider"):
        client.force_login(getattr(world, persona))
        response = client.get(URL)
        assert response.status_code == 404 and response["Content-Type"] == "application/json", persona
        assert "父母" not in response.content.decode()
        assert client.delete(URL).status_code == 204  # their own (none): the owner's stays
        # Their own draft of the same form is theirs, beside the owner's.
    post(client, URL, {"data": {"family_situation": "outsider's"}})
    assert Draft.objects.get(user=world.owner).data == TYPED
    assert Draft.objects.get(user=world.outsider).data == {"family_situation": "outsider's"}


def test_anonymous_is_sent_to_log_in_and_other_methods_are_refused(world, client: Client) -> None:
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    client.force_login(world.owner)
    assert client.put(URL, "{}").status_code == 405
    assert client.get("/drafts/Not_A-Key/").status_code == 404


def test_csrf_is_checked(world) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.owner)
    assert post(client, URL, {"data": TYPED}).status_code == 403
    assert client.delete(URL).status_code == 403
    assert not Draft.objects.exists()
    # With the token of a page's form, as the script sends it (X-CSRFToken).
    html = client.get(reverse("sixones:essay_create")).content.decode()
    token = html.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    response = client.post(
        "/drafts/essay/",
        json.dumps({"data": TYPED}),
        content_type="application/json",
        headers={"x-csrftoken": token},
    )
    assert response.status_code == 200 and Draft.objects.filter(key="essay").exists()


@pytest.mark.parametrize(
    "body",
    [
        None,
        [],
        {"no": "data"},
        {"data": "text"},
        {"data": {"x": 1}},
        {"data": {"x": [1]}},
        {"data": {"": "x"}},
    ],
)
def test_a_body_that_is_no_draft_is_a_400(world, client: Client, body: object) -> None:
    client.force_login(world.owner)
    response = post(client, URL, body)
    assert response.status_code == 400 and "detail" in response.json()
    assert not Draft.objects.exists()


def test_not_json_is_a_400(world, client: Client) -> None:
    client.force_login(world.owner)
    assert client.post(URL, {"family_situation": "x"}).status_code == 400
    assert client.post(URL, b"\xff\xfe", content_type="application/json").status_code == 400


@override_settings(WANJIA_DRAFT_MAX_BYTES=1000)
def test_a_draft_past_the_cap_is_a_413_and_nothing_is_kept(world, client: Client) -> None:
    client.force_login(world.owner)
    response = post(client, URL, {"data": {"reflection": "好" * 400}})  # 1,200 bytes of text
    assert response.status_code == 413 and response.json()["detail"]
    response = post(client, URL, {"data": {"reflection": "x" * 5000}})  # past the body's cap
    assert response.status_code == 413
    assert not Draft.objects.exists()
    assert post(client, URL, {"data": {"reflection": "好" * 100}}).status_code == 200


def test_saving_the_visit_record_clears_its_draft(world, client: Client) -> None:
    case = drive_to(open_case(world.classroom, by=world.owner), State.INTERVENTION, leader=world.principal)
    visit = schedule_visit(case, by=world.owner)
    key = f"case-visit-record-{visit.pk}"
    url = reverse("casework:visit_record", args=[case.pk, visit.pk])
    html = page(client, world.owner, url)
    assert f'data-draft="{key}"' in html and f'data-draft-url="/drafts/{key}/"' in html
    assert f'data-draft-owner="{world.owner.pk}"' in html and "data-draft-messages=" in html
    draft_save(user=world.owner, key=key, data=TYPED)
    draft_save(user=world.owner, key="essay", data=TYPED)  # another form's: stays
    when = timezone.localtime(timezone.now() - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    # Refused (no pledge): the draft stays.
    response = client.post(url, {"visited_at": when, "family_situation": "父母在外务工"})
    assert response.status_code == 200 and Draft.objects.filter(key=key).exists()
    response = client.post(
        url, {"visited_at": when, "family_situation": "父母在外务工", "no_gifts_pledge": "on"}
    )
    assert response.status_code == 302
    assert list(Draft.objects.values_list("key", flat=True)) == ["essay"]
    # The form now says when it was saved: an older draft is not offered back.
    visit.refresh_from_db()
    assert visit.recorded_at is not None
    assert f'data-draft-saved="{visit.recorded_at.isoformat()}"' in page(client, world.owner, url)


def test_saving_a_plan_clears_its_draft(world, client: Client) -> None:
    case = drive_to(open_case(world.classroom, by=world.owner), State.PLANNING, leader=world.principal)
    url = reverse("casework:plan_create", args=[case.pk])
    html = page(client, world.owner, url)
    assert f'data-draft="plan-{case.pk}"' in html and "data-draft-saved" not in html  # no plan yet
    draft_save(user=world.owner, key=f"plan-{case.pk}", data={"goals": "期末及格"})
    plan = {
        "goals": "期末数学及格",
        "measures": "每周辅导",
        "schedule": "三月至六月",
        "responsible_staff": "班主任",
    }
    assert client.post(url, plan).status_code == 302
    assert not Draft.objects.exists()


def test_retention_deletes_drafts_untouched_for_their_days(world) -> None:
    now = timezone.now()
    with time_machine.travel(now - datetime.timedelta(days=31), tick=False):
        draft_save(user=world.owner, key="essay", data=TYPED)
    with time_machine.travel(now - datetime.timedelta(days=29), tick=False):
        draft_save(user=world.owner, key="meeting", data=TYPED)
    assert retention_apply(dry_run=True).rows == {"drafts.Draft": 1}
    assert Draft.objects.count() == 2
    run = retention_apply()
    assert run.rows == {"drafts.Draft": 1}
    assert list(Draft.objects.values_list("key", flat=True)) == ["meeting"]
    call_command("apply_retention", stdout=StringIO())
    assert Draft.objects.count() == 1


def test_the_retention_page_names_the_drafts_period(world, client: Client) -> None:
    html = page(client, world.principal, reverse("privacy:retention_policy"))
    assert 'data-kind="draft_days" data-period="30"' in html


def test_the_essay_and_the_meeting_forms_keep_drafts_until_saved(world, client: Client) -> None:
    campaign(world)
    client.force_login(world.owner)
    for url, key in (("/sixones/essays/new/", "essay"), ("/sixones/meetings/new/", "meeting")):
        html = client.get(url).content.decode()
        assert f'data-draft="{key}"' in html and "data-draft-saved" not in html
        draft_save(user=world.owner, key=key, data={"minutes": ["纪要"]})
    today = timezone.localdate().isoformat()
    assert (
        client.post("/sixones/essays/new/", {"title": "", "body": "x", "written_on": today}).status_code
        == 400
    )
    assert Draft.objects.filter(key="essay").exists()  # refused: kept
    essay = {"title": "走进小明的家", "body": "家访随笔", "written_on": today}
    assert client.post("/sixones/essays/new/", essay).status_code == 302
    meeting = {
        "held_on": today,
        "topic": "家长座谈会",
        "organisers": [world.owner.pk],
        "attendee_count": 20,
        "attendees": "家长",
        "minutes": "纪要",
    }
    assert client.post("/sixones/meetings/new/", meeting).status_code == 302
    assert not Draft.objects.exists()


def test_routing_a_parents_opinion_clears_its_draft(world, client: Client) -> None:
    visit = recorded_visit(world)
    url = reverse("opinions:opinion_raise") + f"?visit={visit.pk}"
    key = f"opinion-raise-{visit.pk}"
    assert f'data-draft="{key}"' in page(client, world.owner, url)
    draft_save(user=world.owner, key=key, data={"text": ["希望多辅导数学"]})
    assert client.post(url, {"about": "school", "text": ""}).status_code == 400
    assert Draft.objects.filter(key=key).exists()
    assert client.post(url, {"about": "school", "text": "希望多辅导数学"}).status_code == 302
    assert not Draft.objects.exists()


def test_only_our_forms_have_drafts_and_a_person_keeps_a_bounded_number(world, client: Client) -> None:
    """A key that names no form of ours is refused (one account cannot fill the database with
    made-up keys), and past WANJIA_DRAFTS_PER_USER a new form's draft stays in the browser."""
    client.force_login(world.owner)
    for key in ("anything", "essay-x", "plan-0", "plans-7", "visit-record-7-8"):
        response = post(client, f"/drafts/{key}/", {"data": TYPED})
        assert response.status_code in (400, 404), key
    assert not Draft.objects.exists()
    with override_settings(WANJIA_DRAFTS_PER_USER=2):
        assert post(client, "/drafts/plan-1/", {"data": TYPED}).status_code == 200
        assert post(client, "/drafts/plan-2/", {"data": TYPED}).status_code == 200
        refused = post(client, "/drafts/plan-3/", {"data": TYPED})
        assert refused.status_code == 400 and refused.json()["errors"]["key"]
        assert (
            post(client, "/drafts/plan-2/", {"data": {"goals": ["改"]}}).status_code == 200
        )  # its own: kept
    assert sorted(Draft.objects.values_list("key", flat=True)) == ["plan-1", "plan-2"]
