"""The staff pages: principals, vice principals and school administrators list their school's
staff, add a member of staff (who is invited at once) and send invitations again; everyone else
gets 404. Staff roster imports invite the accounts they create."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import Invitation, User
from audit.models import AuditEvent
from schools.models import Membership
from tests.accounts.helpers import invite_new_teacher
from tests.factories import MembershipFactory, UserFactory
from tests.schools.test_roster_import import make_csv
from tests.schools.test_roster_views import upload

pytestmark = pytest.mark.django_db

Role = Membership.Role


def list_url(world) -> str:
    return reverse("schools:staff_list", args=[world.school.pk])


def add_url(world) -> str:
    return reverse("schools:staff_add", args=[world.school.pk])


def invite_url(world, user: User) -> str:
    return reverse("schools:staff_invite", args=[world.school.pk, user.pk])


def as_(world, persona: str) -> Client:
    client = Client()
    client.force_login(getattr(world, persona))
    return client


NEW_TEACHER = {
    "full_name": "吴老师",
    "phone": "139-0000-7777",
    "email": "wu@example.cn",
    "username": "",
    "roles": [Role.TEACHER, Role.COUNSELLOR],
}


@pytest.mark.parametrize("persona", ["principal", "admin"])
def test_the_staff_page_lists_the_active_staff_with_their_roles(
    world, persona, django_assert_max_num_queries
):
    MembershipFactory.create(user=world.colleague, school=world.school, role=Role.CUSTODIAN)
    former = UserFactory.create(username="former", full_name="离职老师")
    MembershipFactory.create(user=former, school=world.school, role=Role.TEACHER, is_active=False)
    client = as_(world, persona)

    with django_assert_max_num_queries(12):
        response = client.get(list_url(world), headers={"accept-language": "en"})

    assert response.status_code == 200
    members = {m.user.username: m for m in response.context["members"]}
    assert set(members) == {"owner", "colleague", "counsellor", "principal", "schooladmin", "custodian"}
    assert members["colleague"].roles == [Role.TEACHER, Role.CUSTODIAN]
    assert all(m.joined for m in members.values())
    page = response.content.decode()
    assert "离职老师" not in page and world.outsider.username not in page
    assert f'href="{add_url(world)}"' in page


@pytest.mark.parametrize(
    "persona", ["owner", "colleague", "counsellor", "custodian", "outsider", "inspector"]
)
def test_everyone_else_gets_404(world, persona):
    client = as_(world, persona)
    assert client.get(list_url(world)).status_code == 404
    assert client.get(add_url(world)).status_code == 404
    assert client.post(add_url(world), NEW_TEACHER).status_code == 404
    assert client.post(invite_url(world, world.owner)).status_code == 404
    assert client.get(reverse("schools:staff_index")).status_code == 404
    assert not User.objects.filter(full_name="吴老师").exists()


def test_a_principal_of_another_school_gets_404(world):
    other_principal = UserFactory.create(username="other_principal")
    MembershipFactory.create(user=other_principal, school=world.other_school, role=Role.PRINCIPAL)
    client = Client()
    client.force_login(other_principal)
    assert client.get(list_url(world)).status_code == 404
    assert client.post(add_url(world), NEW_TEACHER).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in_and_wrong_methods_are_refused(world):
    assert Client().get(list_url(world)).status_code == 302
    client = as_(world, "principal")
    assert client.post(list_url(world)).status_code == 405
    assert client.get(invite_url(world, world.owner)).status_code == 405
    assert client.put(add_url(world)).status_code == 405


def test_the_index_leads_to_the_one_school_or_lets_a_principal_of_two_choose(world):
    response = as_(world, "principal").get(reverse("schools:staff_index"))
    assert response.status_code == 302 and response["Location"] == list_url(world)
    MembershipFactory.create(user=world.principal, school=world.other_school, role=Role.VICE_PRINCIPAL)
    response = as_(world, "principal").get(reverse("schools:staff_index"))
    assert response.status_code == 200 and world.other_school.name in response.content.decode()


def test_adding_a_member_of_staff_creates_the_account_and_shows_the_invitation_once(
    world, sms_outbox, django_capture_on_commit_callbacks
):
    client = as_(world, "principal")
    assert client.get(add_url(world)).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(add_url(world), NEW_TEACHER, REMOTE_ADDR="10.9.9.9")

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    user = User.objects.get(username="13900007777")  # the phone, as no username was given
    assert (user.full_name, user.phone, user.email) == ("吴老师", "13900007777", "wu@example.cn")
    assert not user.has_usable_password()
    assert set(Membership.objects.filter(user=user).values_list("school_id", "role", "is_active")) == {
        (world.school.pk, Role.TEACHER, True),
        (world.school.pk, Role.COUNSELLOR, True),
    }
    ((person, issued),) = response.context["invitations"]
    page = response.content.decode()
    assert person == user and issued.link in page and issued.display_code in page
    assert reverse("accounts:join_code") in page
    (message,) = mail.outbox
    assert issued.link in message.body
    (text,) = sms_outbox.messages()
    assert text["to"] == "13900007777" and issued.display_code in text["text"]

    added = AuditEvent.objects.get(action="staff.added")
    assert (added.actor, added.target_id, added.school_id, added.ip) == (
        world.principal,
        str(user.pk),
        world.school.pk,
        "10.9.9.9",
    )
    assert added.detail == {"username": "13900007777", "roles": ["teacher", "counsellor"], "email": True}
    sent = AuditEvent.objects.get(action="invitation.sent")
    assert sent.detail["channels"] == ["email", "sms"] and sent.detail["replaced"] == 0
    for event in AuditEvent.objects.all():
        assert issued.token not in str(event.detail) and issued.code not in str(event.detail)

    listing = client.get(list_url(world)).content.decode()
    assert 'data-member="13900007777"' in listing and 'data-joined="no"' in listing


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"full_name": ""}, "full_name"),
        ({"phone": "12"}, "phone"),
        ({"phone": "call me"}, "phone"),
        ({"email": "not-an-address"}, "email"),
        ({"username": "owner"}, "username"),
        ({"username": "has space"}, "username"),
        ({"roles": []}, "roles"),
        ({"roles": ["headmaster"]}, "roles"),
    ],
)
def test_bad_input_is_refused_on_its_field_and_nothing_is_created(world, change, field):
    response = as_(world, "principal").post(add_url(world), {**NEW_TEACHER, **change})
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert not User.objects.filter(full_name="吴老师").exists()
    assert not Invitation.objects.exists()
    assert not AuditEvent.objects.filter(action__in=["staff.added", "invitation.sent"]).exists()


def test_the_phone_number_as_username_must_be_free(world):
    UserFactory.create(username="13900007777")
    response = as_(world, "principal").post(add_url(world), NEW_TEACHER)
    assert response.status_code == 400 and response.context["form"].errors["username"]
    response = as_(world, "principal").post(add_url(world), {**NEW_TEACHER, "username": "wu.teacher"})
    assert response.status_code == 200 and User.objects.filter(username="wu.teacher").exists()


def test_sending_again_replaces_the_invitation(world):
    user, first = invite_new_teacher(world.school, by=world.principal)
    response = as_(world, "admin").post(invite_url(world, user))

    assert response.status_code == 200
    ((_, second),) = response.context["invitations"]
    assert second.link != first.link and second.link in response.content.decode()
    assert Client().get(first.link.removeprefix("http://testserver")).status_code == 410
    assert Invitation.objects.filter(user=user, revoked_at__isnull=True).get().pk == second.invitation.pk
    event = AuditEvent.objects.filter(action="invitation.sent").latest("pk")
    assert (event.actor, event.detail["replaced"]) == (world.admin, 1)


def test_only_the_schools_own_staff_can_be_invited_from_its_page(world):
    user, _issued = invite_new_teacher(world.other_school, by=world.principal)
    client = as_(world, "principal")
    assert client.post(invite_url(world, user)).status_code == 404
    assert Invitation.objects.filter(user=user).count() == 1


def test_people_who_joined_are_not_invited(world):
    client = as_(world, "principal")
    page = client.get(list_url(world)).content.decode()
    assert 'data-action="invite"' not in page
    response = client.post(invite_url(world, world.colleague), follow=True, headers={"accept-language": "en"})
    assert response.status_code == 200
    assert "has already joined" in response.content.decode()
    assert not Invitation.objects.exists()


def test_a_person_who_also_works_at_a_school_one_does_not_manage_is_not_invited_from_here(world):
    user, _issued = invite_new_teacher(world.school, by=world.principal)
    MembershipFactory.create(user=user, school=world.other_school, role=Role.TEACHER)
    response = as_(world, "principal").post(invite_url(world, user))
    assert response.status_code == 403
    assert Invitation.objects.filter(user=user).count() == 1


def test_a_staff_roster_import_invites_the_new_accounts_only(
    world, sms_outbox, django_capture_on_commit_callbacks
):
    rows = [["郑老师", "T100", "13600001234", "教师", ""], ["李主任", "owner", "", "教师", ""]]
    data = make_csv(["姓名", "工号", "手机号", "职务", "任教班级"], rows)
    client = as_(world, "admin")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("schools:roster_upload"),
            {"school": world.school.pk, "kind": "staff", "file": upload("教职工.csv", data)},
        )

    assert response.status_code == 200 and response.context["report"].ok
    ((person, issued),) = response.context["invitations"]
    assert person.username == "T100"
    assert issued.link in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    (text,) = sms_outbox.messages()
    assert text["to"] == "13600001234"
    assert not Invitation.objects.filter(user=world.owner).exists()
    assert AuditEvent.objects.filter(action="invitation.sent", target_id=str(person.pk)).count() == 1


def test_each_row_leads_to_recording_a_leaving_and_for_leaders_to_a_second_factor_reset(world) -> None:
    """One staff page for the school's managers: from a colleague's row to the leave page
    (workflows) and, for the principal, to the second-factor reset (mfa); never on one's own row."""
    principal, admin = as_(world, "principal"), as_(world, "admin")
    leave = reverse("workflows:staff_leave", args=[world.school.pk, world.colleague.pk])
    reset = f"{reverse('mfa:reset', args=[world.colleague.pk])}?school={world.school.pk}"

    html = principal.get(list_url(world)).content.decode()
    assert f'href="{leave}"' in html and f'href="{reset.replace("&", "&amp;")}"' in html
    own_leave = reverse("workflows:staff_leave", args=[world.school.pk, world.principal.pk])
    assert f'href="{own_leave}"' not in html
    assert principal.get(leave).status_code == 200
    assert principal.get(reset).status_code == 200

    html = admin.get(list_url(world)).content.decode()
    assert f'href="{leave}"' in html and 'data-link="mfa-reset"' not in html
    assert admin.get(leave).status_code == 200
