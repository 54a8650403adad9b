"""The Django admin cannot open confidential notes: not by a grant, not by a global permission or a
group, not by giving oneself a position; and its changes that lead towards notes are told to
the school's counsellors."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.test import Client
from guardian.models import GroupObjectPermission, UserObjectPermission

from audit.models import AuditEvent
from casework import notes, services
from casework.models import (
    BreakGlassAccess,
    Case,
    CaseCategory,
    CaseGroupObjectPermission,
    CaseUserObjectPermission,
    CounsellingNote,
)
from core.errors import Forbidden
from schools.models import BureauMembership, Membership
from tests.api.helpers import api_client
from tests.audit.test_events_admin import form_data
from tests.builders import open_case
from tests.casework.helpers import add_staff, personas
from tests.factories import UserFactory

SECRET = "第一次谈话：睡眠不好"


@pytest.fixture
def cast(world):
    people = personas(world)
    world.counsellor.email = "counsellor@example.org"
    world.counsellor.save(update_fields=["email"])
    return people


@pytest.fixture
def psych_case(world, cast) -> Case:
    case = open_case(world.classroom, by=world.colleague, categories=["psychological"])
    notes.note_create(case_id=case.pk, user=world.counsellor, content=SECRET)
    return case


def admin_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def notes_status(user, case: Case) -> int:
    return api_client(user).get(f"/api/v1/cases/{case.pk}/notes/").status_code


def test_the_admin_has_no_page_for_grants_notes_or_emergency_accesses(world, cast):
    for model in (
        CaseUserObjectPermission,
        CaseGroupObjectPermission,
        UserObjectPermission,
        GroupObjectPermission,
        Permission,
        CounsellingNote,
        BreakGlassAccess,
    ):
        assert model not in admin.site._registry, model
    client = admin_client(cast["superuser"])
    for url in (
        "/admin/casework/caseuserobjectpermission/",
        "/admin/casework/casegroupobjectpermission/",
        "/admin/guardian/userobjectpermission/",
        "/admin/auth/permission/",
        "/admin/casework/breakglassaccess/",
    ):
        assert client.get(url).status_code == 404, url


def test_a_superuser_gives_themselves_every_permission_and_still_reads_no_note(world, cast, psych_case):
    superuser = cast["superuser"]
    client = admin_client(superuser)
    permission = Permission.objects.get(
        codename="access_counselling_notes", content_type__app_label="casework"
    )
    # A group holding the notes permission...
    response = client.post("/admin/auth/group/add/", {"name": "看笔记", "permissions": [permission.pk]})
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    group = Group.objects.get(name="看笔记")
    # ...and the permission itself, given to oneself on one's own user page.
    superuser.date_joined = superuser.date_joined.replace(microsecond=0)
    superuser.save(update_fields=["date_joined"])
    url = f"/admin/accounts/user/{superuser.pk}/change/"
    data = form_data(client.get(url)) | {"groups": [str(group.pk)], "user_permissions": [str(permission.pk)]}
    response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    superuser.refresh_from_db()
    assert set(superuser.user_permissions.all()) == {permission} and set(superuser.groups.all()) == {group}
    # Even a group object permission on the case (guardian's table; no admin writes it).
    CaseGroupObjectPermission.objects.create(group=group, permission=permission, content_object=psych_case)

    assert superuser.has_perm("casework.access_counselling_notes")
    assert superuser.has_perm("casework.access_counselling_notes", psych_case)
    assert notes_status(superuser, psych_case) == 404
    assert admin_client(superuser).get(f"/cases/{psych_case.pk}/notes/").status_code == 404
    # The same for someone who is no superuser: the permission and the group open nothing.
    teacher = cast["bystander"]
    teacher.user_permissions.add(permission)
    teacher.groups.add(group)
    assert notes_status(teacher, psych_case) == 404
    assert notes_status(cast["super_principal"], psych_case) == 403


def test_nobody_gives_themselves_a_position_in_the_admin(world, cast, psych_case):
    superuser = cast["superuser"]
    client = admin_client(superuser)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    response = client.post(
        "/admin/schools/membership/add/",
        {"user": superuser.pk, "school": world.school.pk, "role": "counsellor", "is_active": "on"},
    )
    assert response.status_code == 200
    assert "ask another administrator" in response.content.decode()
    response = client.post(
        "/admin/schools/bureaumembership/add/",
        {"user": superuser.pk, "bureau": world.school.bureau_id, "role": "inspector", "is_active": "on"},
    )
    assert response.status_code == 200
    assert not Membership.objects.filter(user=superuser).exists()
    assert not BureauMembership.objects.filter(user=superuser).exists()

    # The super principal's own membership: shown, not changed, not deleted.
    own = Membership.objects.get(user=cast["super_principal"])
    principal_client = admin_client(cast["super_principal"])
    change = f"/admin/schools/membership/{own.pk}/change/"
    page = principal_client.get(change)
    assert page.status_code == 200 and 'name="role"' not in page.content.decode()  # read-only
    assert (
        principal_client.post(
            change, {"user": own.user_id, "school": own.school_id, "role": "counsellor"}
        ).status_code
        == 403
    )
    assert (
        principal_client.post(f"/admin/schools/membership/{own.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )

    # Nor on one's own user page: the memberships inline takes no new row.
    superuser.date_joined = superuser.date_joined.replace(microsecond=0)
    superuser.save(update_fields=["date_joined"])
    url = f"/admin/accounts/user/{superuser.pk}/change/"
    data = form_data(client.get(url))
    data |= {
        "memberships-TOTAL_FORMS": "1",
        "memberships-0-school": str(world.school.pk),
        "memberships-0-role": "counsellor",
        "memberships-0-is_active": "on",
    }
    client.post(url, data)
    assert not Membership.objects.filter(user=superuser).exists()
    assert notes_status(superuser, psych_case) == 404


def test_a_leader_cannot_grant_themselves(world, cast, psych_case, client: Client):
    vice = cast["vice_principal"]
    Membership.objects.create(user=vice, school=world.school, role=Membership.Role.COUNSELLOR)
    with pytest.raises(Forbidden) as error:
        services.counsellor_grant(case_id=psych_case.pk, user=vice, counsellor_id=vice.pk)
    assert error.value.code == "four_eyes"
    client.force_login(vice)
    page = client.get(f"/cases/{psych_case.pk}/").content.decode()
    assert f'data-counsellor="{vice.pk}"' in page and "data-no-self-grant" in page
    assert (
        client.post(f"/cases/{psych_case.pk}/counsellors/grant/", {"counsellor": vice.pk}).status_code == 403
    )
    assert not AuditEvent.objects.filter(action="permission.grant").exists()
    # Another leader may.
    services.counsellor_grant(case_id=psych_case.pk, user=world.principal, counsellor_id=vice.pk)
    assert notes_status(vice, psych_case) == 200


def test_admin_changes_to_positions_are_told_to_the_counsellors(
    world, cast, psych_case, django_capture_on_commit_callbacks
):
    root = UserFactory.create(username="root", full_name="管理员", is_staff=True, is_superuser=True)
    client = admin_client(root)
    stranger = UserFactory.create(username="stranger")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/schools/membership/add/",
            {"user": stranger.pk, "school": world.school.pk, "role": "counsellor", "is_active": "on"},
        )
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["counsellor@example.org"]]
    assert "管理员" in mail.outbox[0].body and world.school.name in mail.outbox[0].body
    membership = Membership.objects.get(user=stranger)
    event = AuditEvent.objects.get(action="notes.admin_change_notified")
    assert (event.actor, event.school_id, event.target_id) == (root, world.school.pk, str(membership.pk))
    assert event.detail == {
        "model": "schools.membership",
        "change": "add",
        "user": stranger.pk,
        "old": None,
        "new": {"school_id": world.school.pk, "role": "counsellor", "is_active": True},
        "notified": [world.counsellor.pk],
        "mailed": [world.counsellor.pk],
    }

    # Changed on its page, then deleted: told each time.
    url = f"/admin/schools/membership/{membership.pk}/change/"
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, form_data(client.get(url)) | {"role": "principal"}).status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/schools/membership/{membership.pk}/delete/", {"post": "yes"})
        assert response.status_code == 302
    assert len(mail.outbox) == 3
    changes = [
        e.detail["change"]
        for e in AuditEvent.objects.filter(action="notes.admin_change_notified").order_by("id")
    ]
    assert changes == ["add", "change", "delete"]

    # A teacher's position, or a school whose counsellors keep no notes: nothing to tell.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/admin/schools/membership/add/",
            {"user": stranger.pk, "school": world.school.pk, "role": "teacher", "is_active": "on"},
        )
        client.post(
            "/admin/schools/membership/add/",
            {"user": stranger.pk, "school": world.other_school.pk, "role": "counsellor", "is_active": "on"},
        )
    assert Membership.objects.filter(user=stranger).count() == 2
    assert len(mail.outbox) == 3


def test_a_position_given_on_the_users_page_is_told_too(
    world, cast, psych_case, django_capture_on_commit_callbacks
):
    root = UserFactory.create(username="root", is_staff=True, is_superuser=True)
    client = admin_client(root)
    teacher = add_staff("teacher2", world.school)
    teacher.date_joined = teacher.date_joined.replace(microsecond=0)
    teacher.save(update_fields=["date_joined"])
    url = f"/admin/accounts/user/{teacher.pk}/change/"
    data = form_data(client.get(url)) | {"memberships-0-role": "counsellor"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    assert [m.to for m in mail.outbox] == [["counsellor@example.org"]]
    event = AuditEvent.objects.get(action="notes.admin_change_notified")
    assert (event.detail["change"], event.detail["old"]["role"], event.detail["new"]["role"]) == (
        "change",
        "teacher",
        "counsellor",
    )


def test_making_a_case_psychological_in_the_admin_is_told(world, cast, django_capture_on_commit_callbacks):
    case = open_case(world.classroom, by=world.colleague, categories=["poverty"])
    root = UserFactory.create(username="root", is_staff=True, is_superuser=True)
    client = admin_client(root)
    url = f"/admin/casework/case/{case.pk}/change/"
    data = form_data(client.get(url))
    data |= {
        "categories-TOTAL_FORMS": "2",
        "categories-1-category": "psychological",
        "categories-1-case": str(case.pk),
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    assert set(CaseCategory.objects.filter(case=case).values_list("category", flat=True)) == {
        "poverty",
        "psychological",
    }
    assert [m.to for m in mail.outbox] == [["counsellor@example.org"]]
    event = AuditEvent.objects.get(action="notes.admin_change_notified")
    assert (event.case_id, event.detail["added"], event.detail["removed"]) == (case.pk, ["psychological"], [])
