"""The audit browser (/audit/) and a case's audit timeline (/audit/cases/<id>/): who sees what."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import audit_record
from tests.audit.helpers import READERS, REFUSED
from tests.builders import open_case

LIST_URL = "/audit/"


def shown(response) -> set[int]:
    """The ids of the events listed on the page."""
    return {int(i) for i in re.findall(r'data-event="(\d+)"', response.content.decode())}


def as_user(client: Client, user) -> Client:
    client.force_login(user)
    return client


@pytest.mark.smoke
def test_the_principal_sees_their_school_only(world, trail, client: Client) -> None:
    response = as_user(client, world.principal).get(LIST_URL)
    assert response.status_code == 200
    assert shown(response) == trail.ids(school="A")
    assert trail.bureau_event.pk not in shown(response)


def test_the_inspector_sees_the_whole_bureau_and_bureau_level_events(world, trail, client: Client) -> None:
    response = as_user(client, world.inspector).get(LIST_URL)
    assert response.status_code == 200
    assert shown(response) == trail.ids()
    assert trail.ids(school="B") <= shown(response)
    assert trail.bureau_event.pk in shown(response)


def test_newest_first(world, trail, client: Client) -> None:
    page = as_user(client, world.inspector).get(LIST_URL).context["page"]
    times = [(event.occurred_at, event.pk) for event in page.object_list]
    assert times == sorted(times, reverse=True)


@pytest.mark.parametrize("persona", REFUSED)
def test_everyone_else_gets_the_403_page(world, trail, client: Client, persona) -> None:
    response = as_user(client, getattr(world, persona)).get(LIST_URL)
    assert response.status_code == 403
    assert shown(response) == set()
    assert 'data-page="forbidden"' in response.content.decode()


def test_anonymous_is_sent_to_log_in(trail, client: Client) -> None:
    response = client.get(LIST_URL)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_wrong_method_is_refused(world, client: Client) -> None:
    assert as_user(client, world.inspector).post(LIST_URL).status_code == 405


def test_the_hash_is_abbreviated_with_the_full_value_in_a_title(world, trail, client: Client) -> None:
    # A second event in school A's chain, so that it has a previous hash.
    open_case(world.classroom, by=world.owner)
    html = as_user(client, world.principal).get(LIST_URL).content.decode()
    event = AuditEvent.objects.filter(school=world.school).order_by("-seq").first()
    assert event is not None and len(event.hash) == 64 and event.prev_hash
    assert f'title="{event.hash}"' in html
    assert f"{event.hash[:10]}…" in html
    assert f'title="{event.prev_hash}"' in html


@pytest.mark.parametrize(
    ("persona", "has_link"), [("principal", True), ("inspector", True), ("owner", False)]
)
def test_the_nav_links_the_browser_for_readers_only(world, client: Client, persona, has_link) -> None:
    html = as_user(client, getattr(world, persona)).get("/cases/").content.decode()
    assert ('data-audit="audit"' in html) is has_link


# --- filters ---------------------------------------------------------------------------------


def test_a_principal_filtering_on_the_other_school_gets_nothing(world, trail, client: Client) -> None:
    for value in ["B", str(world.other_school.pk)]:
        response = as_user(client, world.principal).get(LIST_URL, {"school": value})
        assert response.status_code == 200
        assert shown(response) == set()


def test_filter_by_school_code_or_id(world, trail, client: Client) -> None:
    as_user(client, world.inspector)
    assert shown(client.get(LIST_URL, {"school": "B"})) == trail.ids(school="B")
    assert shown(client.get(LIST_URL, {"school": world.school.pk})) == trail.ids(school="A")


def test_filter_by_case_actor_and_action(world, trail, client: Client) -> None:
    as_user(client, world.inspector)
    case_events = set(AuditEvent.objects.filter(case_id=trail.case_a.pk).values_list("pk", flat=True))
    assert case_events
    assert shown(client.get(LIST_URL, {"case": trail.case_a.pk})) == case_events
    by_outsider = set(AuditEvent.objects.filter(actor=world.outsider).values_list("pk", flat=True))
    assert shown(client.get(LIST_URL, {"actor": "outsider"})) == by_outsider
    assert shown(client.get(LIST_URL, {"actor": world.outsider.pk})) == by_outsider
    assert shown(client.get(LIST_URL, {"actor": "nobody-by-that-name"})) == set()
    opens = set(AuditEvent.objects.filter(action="case.open").values_list("pk", flat=True))
    assert len(opens) == 2
    assert shown(client.get(LIST_URL, {"action": "case.open"})) == opens
    assert shown(client.get(LIST_URL, {"action": "case"})) == set()  # exact unless it ends in a dot
    assert shown(client.get(LIST_URL, {"action": "bureau."})) == {trail.bureau_event.pk}


def test_dates_are_days_in_shanghai_and_until_is_inclusive(world, client: Client) -> None:
    # 23:30 on 2026-03-10 in Shanghai is 15:30 UTC the same day; 00:30 on the 11th is 16:30 UTC on the 10th.
    late = datetime.datetime(2026, 3, 10, 15, 30, tzinfo=datetime.UTC)
    with time_machine.travel(late, tick=False):  # the trail is append-only: record it at that time
        event = audit_record(action="bureau.review", actor=world.inspector)
    as_user(client, world.inspector)

    def listed(params: dict[str, str]) -> set[int]:  # logging in is recorded too: this action only
        return shown(client.get(LIST_URL, {"action": "bureau.review", **params}))

    assert listed({"since": "2026-03-10", "until": "2026-03-10"}) == {event.pk}
    assert listed({"since": "2026-03-11"}) == set()
    assert listed({"until": "2026-03-09"}) == set()
    assert listed({"until": "2026-03-10T23:30"}) == {event.pk}  # inclusive
    assert listed({"until": "2026-03-10T23:29"}) == set()
    assert listed({"since": "2026-03-10T15:30:00Z"}) >= {event.pk}
    assert event.pk not in listed({"since": "2026-03-10T15:31:00+00:00"})
    # A "+" that reached us as a space (an unencoded query string) still means a zone offset.
    assert event.pk in listed({"until": "2026-03-10T23:30:00 08:00"})


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"case": "abc"}, "case"),
        ({"case": "-3"}, "case"),
        ({"since": "yesterday"}, "since"),
        ({"until": "2026-13-01"}, "until"),
        ({"action": "case.open' OR 1=1"}, "action"),
        ({"school": "NOPE"}, "school"),
        ({"since": "2026-03-11", "until": "2026-03-10"}, "until"),
    ],
)
def test_bad_filters_are_form_errors_and_list_nothing(world, trail, client: Client, params, field) -> None:
    response = as_user(client, world.inspector).get(LIST_URL, params)
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert shown(response) == set()
    assert 'class="errorlist' in response.content.decode()


def test_pages_of_fifty(world, client: Client) -> None:
    for i in range(55):
        audit_record(action="bureau.review", actor=world.inspector, detail={"i": i})
    as_user(client, world.inspector)
    assert len(shown(client.get(LIST_URL, {"action": "bureau.review"}))) == 50
    assert len(shown(client.get(LIST_URL, {"action": "bureau.review", "page": "2"}))) == 5


@pytest.mark.parametrize("persona", READERS)
def test_a_page_costs_the_same_queries_with_few_or_many_events(
    world, client: Client, persona, django_assert_max_num_queries
) -> None:
    as_user(client, getattr(world, persona))
    open_case(world.classroom, by=world.owner)
    # Up to five more reads of names for the readable summaries (people, cases, pupils, visits, schools).
    with django_assert_max_num_queries(17):
        few = client.get(LIST_URL)
    for _ in range(8):
        open_case(world.classroom, by=world.owner)
    with django_assert_max_num_queries(17):
        many = client.get(LIST_URL)
    assert len(shown(many)) > len(shown(few))


# --- the timeline of one case ----------------------------------------------------------------


@pytest.mark.parametrize("persona", READERS)
def test_the_case_timeline_lists_every_event_of_the_case_views_included(
    world, trail, client: Client, persona
) -> None:
    owner = Client()
    owner.force_login(world.owner)
    assert owner.get(f"/cases/{trail.case_a.pk}/").status_code == 200
    response = as_user(client, getattr(world, persona)).get(f"/audit/cases/{trail.case_a.pk}/")
    assert response.status_code == 200
    expected = set(AuditEvent.objects.filter(case_id=trail.case_a.pk).values_list("pk", flat=True))
    assert shown(response) == expected
    actions = set(AuditEvent.objects.filter(pk__in=expected).values_list("action", flat=True))
    assert {"case.open", "case.viewed"} <= actions


@pytest.mark.parametrize("persona", REFUSED)
def test_the_case_timeline_is_404_for_everyone_else(world, trail, client: Client, persona) -> None:
    assert as_user(client, getattr(world, persona)).get(f"/audit/cases/{trail.case_a.pk}/").status_code == 404


def test_the_principal_gets_404_for_the_other_schools_case(world, trail, client: Client) -> None:
    as_user(client, world.principal)
    assert client.get(f"/audit/cases/{trail.case_b.pk}/").status_code == 404
    assert client.get("/audit/cases/999999/").status_code == 404
    as_user(client, world.inspector)
    assert client.get(f"/audit/cases/{trail.case_b.pk}/").status_code == 200


def test_the_case_timeline_refuses_post_and_anonymous(world, trail, client: Client) -> None:
    assert client.get(f"/audit/cases/{trail.case_a.pk}/").status_code == 302
    assert as_user(client, world.inspector).post(f"/audit/cases/{trail.case_a.pk}/").status_code == 405


@pytest.mark.parametrize(("persona", "linked"), [("principal", True), ("inspector", True), ("owner", False)])
def test_the_case_page_links_its_audit_trail_for_readers_only(world, trail, client: Client, persona, linked):
    html = as_user(client, getattr(world, persona)).get(f"/cases/{trail.case_a.pk}/").content.decode()
    assert (f'href="/audit/cases/{trail.case_a.pk}/"' in html) is linked


def test_times_are_shown_in_shanghai(world, client: Client) -> None:
    moment = datetime.datetime(2026, 3, 10, 15, 30, 5, tzinfo=datetime.UTC)
    with time_machine.travel(moment, tick=False):
        event = audit_record(action="bureau.review", actor=world.inspector)
    html = as_user(client, world.inspector).get(LIST_URL).content.decode()
    assert "2026-03-10 23:30:05" in html
    assert timezone.is_aware(AuditEvent.objects.get(pk=event.pk).occurred_at)
