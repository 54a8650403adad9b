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
