"""GET/POST /api/v1/schools/{id}/staff/ and POST .../staff/{user_id}/invitation/: for the school's
principals, vice principals and administrators; 404 for everyone else."""

from __future__ import annotations

import pytest

from accounts.models import Invitation, User
from audit.models import AuditEvent
from schools.models import Membership
from tests.accounts.helpers import invite_new_teacher
from tests.api.helpers import api_client

pytestmark = pytest.mark.django_db

Role = Membership.Role


def staff_url(world) -> str:
    return f"/api/v1/schools/{world.school.pk}/staff/"


def test_the_list_is_a_page_of_members_with_their_roles(world, django_assert_max_num_queries):
    user, _issued = invite_new_teacher(world.school, by=world.principal)
    client = api_client(world.admin)
    with django_assert_max_num_queries(8):
        response = client.get(staff_url(world))
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 7 and body["next"] is None
    members = {m["username"]: m for m in body["results"]}
    assert members["zhou"] == {
        "id": user.pk,
        "username": "zhou",
        "full_name": "周老师",
        "phone": "13912345678",
        "email": "",
        "roles": ["teacher"],
        "joined": False,
        "invitation_expires_at": members["zhou"]["invitation_expires_at"],
    }
    assert members["zhou"]["invitation_expires_at"] is not None
    assert members["principal"]["joined"] is True and members["principal"]["invitation_expires_at"] is None


@pytest.mark.parametrize("persona", ["owner", "counsellor", "outsider", "inspector"])
def test_others_get_404(world, persona):
    client = api_client(getattr(world, persona))
    assert client.get(staff_url(world)).status_code == 404
    response = client.post(
        staff_url(world), {"full_name": "x", "phone": "13900001111", "roles": ["teacher"]}, format="json"
    )
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert client.post(f"{staff_url(world)}{world.owner.pk}/invitation/").status_code == 404


def test_anonymous_is_401_and_wrong_method_405(world):
    assert api_client().get(staff_url(world)).status_code == 401
    assert api_client(world.principal).delete(staff_url(world)).status_code == 405


def test_adding_a_member_of_staff_returns_the_invitation_once(world):
    response = api_client(world.principal).post(
        staff_url(world),
        {"full_name": "冯老师", "phone": "+86 138 1111 2222", "roles": ["teacher", "school_admin"]},
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    user = User.objects.get(username="13811112222")
    assert body["member"]["id"] == user.pk and body["member"]["roles"] == ["teacher", "school_admin"]
    assert body["member"]["joined"] is False
    invitation = body["invitation"]
    assert invitation["link"].startswith("http://testserver/accounts/join/")
    assert len(invitation["code"]) == 9 and invitation["code"][4] == "-"
    assert invitation["channels"] == ["sms"]
    assert invitation["expires_at"] == body["member"]["invitation_expires_at"]
    assert AuditEvent.objects.filter(action="invitation.sent", target_id=str(user.pk)).exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"phone": "13811112222", "roles": ["teacher"]}, "full_name"),
        ({"full_name": "冯老师", "phone": "12", "roles": ["teacher"]}, "phone"),
        ({"full_name": "冯老师", "phone": "13811112222", "roles": []}, "roles"),
        ({"full_name": "冯老师", "phone": "13811112222", "roles": ["king"]}, "roles"),
        ({"full_name": "冯老师", "phone": "13811112222", "roles": ["teacher"], "email": "x"}, "email"),
        (
            {"full_name": "冯老师", "phone": "13811112222", "roles": ["teacher"], "username": "owner"},
            "username",
        ),
    ],
)
def test_bad_input_is_a_400_naming_the_field(world, payload, field):
    response = api_client(world.principal).post(staff_url(world), payload, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid" and field in response.json()["errors"]
    assert not Invitation.objects.exists()


def test_a_new_invitation_for_someone_who_has_not_joined(world):
    user, first = invite_new_teacher(world.school, by=world.principal)
    response = api_client(world.admin).post(f"{staff_url(world)}{user.pk}/invitation/")
    assert response.status_code == 201
    assert response.json()["link"] != first.link
    assert Invitation.objects.get(pk=first.invitation.pk).revoked_at is not None


def test_no_invitation_for_someone_who_joined(world):
    response = api_client(world.admin).post(f"{staff_url(world)}{world.colleague.pk}/invitation/")
    assert response.status_code == 409 and response.json()["code"] == "already_joined"
    response = api_client(world.admin).post(f"{staff_url(world)}{world.outsider.pk}/invitation/")
    assert response.status_code == 404
