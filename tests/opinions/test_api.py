"""GET /api/v1/opinions/ and POST /api/v1/opinions/<id>/transitions/<name>/: JSON, never a 500."""

from __future__ import annotations

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from opinions.models import ParentOpinion
from tests.api.helpers import api_client
from tests.opinions.helpers import drive, raise_opinion

State = ParentOpinion.State
LIST = "/api/v1/opinions/"


def transition_url(opinion: ParentOpinion, name: str) -> str:
    return f"/api/v1/opinions/{opinion.pk}/transitions/{name}/"


@pytest.mark.smoke
def test_the_principal_lists_and_moves_an_opinion(world) -> None:
    opinion = raise_opinion(world)
    client = api_client(world.principal)
    body = client.get(LIST).json()
    assert body["count"] == 1 and body["results"][0]["state"] == State.RECEIVED
    response = client.post(transition_url(opinion, "study"), {}, format="json")
    assert response.status_code == 200 and response.json()["state"] == State.UNDER_STUDY
    response = client.post(
        transition_url(opinion, "complete"),
        {"answer": "已答复", "answered_to_parents_on": timezone.localdate().isoformat()},
        format="json",
    )
    assert response.status_code == 200 and response.json()["state"] == State.DONE
    assert AuditEvent.objects.filter(action__startswith="opinion.").count() == 3


@pytest.mark.parametrize(
    ("persona", "status", "code"),
    [
        ("owner", 403, "permission_denied"),
        ("inspector", 403, "permission_denied"),
        ("colleague", 404, "not_found"),
        ("outsider", 404, "not_found"),
    ],
)
def test_others_get_json_errors(world, persona: str, status: int, code: str) -> None:
    opinion = raise_opinion(world)
    response = api_client(getattr(world, persona)).post(transition_url(opinion, "study"), {}, format="json")
    assert response.status_code == status and response.json()["code"] == code
    assert ParentOpinion.objects.get(pk=opinion.pk).state == State.RECEIVED


def test_conflict_invalid_and_unknown_step(world) -> None:
    opinion = raise_opinion(world)
    client = api_client(world.principal)
    response = client.post(transition_url(opinion, "plan_rectification"), {"plan": "计划"}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "invalid_state"
    drive(opinion, State.UNDER_STUDY, leader=world.principal)
    response = client.post(transition_url(opinion, "plan_rectification"), {"plan": ""}, format="json")
    assert response.status_code == 400 and "plan" in response.json()["errors"]
    response = client.post(transition_url(opinion, "study"), {"plan": "x"}, format="json")
    assert response.status_code == 400 and "plan" in response.json()["errors"]
    response = client.post(
        transition_url(opinion, "complete"), {"answer": "a", "answered_to_parents_on": "nope"}, format="json"
    )
    assert response.status_code == 400 and "answered_to_parents_on" in response.json()["errors"]
    assert client.post(transition_url(opinion, "delete"), {}, format="json").status_code == 404
    assert ParentOpinion.objects.get(pk=opinion.pk).state == State.UNDER_STUDY
    assert client.get(transition_url(opinion, "study")).status_code == 405


def test_the_list_is_filtered_per_user_and_by_query(world, django_assert_max_num_queries) -> None:
    opinions = [raise_opinion(world) for _ in range(3)]
    drive(opinions[0], State.UNDER_STUDY, leader=world.principal)
    client = api_client(world.inspector)
    with django_assert_max_num_queries(6):
        body = client.get(LIST).json()
    assert body["count"] == 3
    assert api_client(world.outsider).get(LIST).json()["count"] == 0
    assert api_client(world.principal).get(LIST, {"state": "under_study"}).json()["count"] == 1
    assert api_client(world.principal).get(LIST, {"state": "bogus"}).status_code == 400
    assert api_client().get(LIST).status_code == 401


def test_an_opinion_is_raised_from_a_recorded_visit_through_the_api(world) -> None:
    """POST /api/v1/visits/<id>/opinions/: the visit gives school, pupil, case and date."""
    from tests.opinions.helpers import recorded_visit

    visit = recorded_visit(world)
    url = f"/api/v1/visits/{visit.pk}/opinions/"
    body = {"about": "school", "text": "希望学校延长图书馆开放时间", "guardian_name": "张妈妈"}
    response = api_client(world.owner).post(url, body, format="json")
    assert response.status_code == 201, response.content
    opinion = ParentOpinion.objects.get(pk=response.json()["id"])
    assert (opinion.visit_id, opinion.case_id, opinion.pupil_id) == (visit.pk, visit.case_id, visit.pupil_id)
    assert opinion.channel == ParentOpinion.Channel.VISIT and opinion.state == State.RECEIVED
    assert AuditEvent.objects.filter(action="opinion.raised", target_id=str(opinion.pk)).count() == 1

    invalid = api_client(world.owner).post(url, {"about": "school"}, format="json")
    assert invalid.status_code == 400 and "text" in invalid.json()["errors"]
    assert api_client(world.outsider).post(url, body, format="json").status_code == 404
    assert api_client(world.inspector).post(url, body, format="json").status_code == 403
    assert api_client(None).post(url, body, format="json").status_code == 401
    assert api_client(world.owner).get(url).status_code == 405
    assert ParentOpinion.objects.count() == 1
