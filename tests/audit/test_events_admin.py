"""Changes made in the Django admin are audited in the admin's transaction, secrets masked."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib import admin
from django.forms import MultiWidget
from django.test import Client

from accounts.models import ApiToken
from accounts.services import api_token_issue
from audit.admin import MASK, AuditedAdminMixin
from audit.models import AuditEvent
from schools.models import Membership
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

IP = "10.9.8.7"


@pytest.fixture
def staff(world) -> Client:
    """A Django superuser: the admin's own permission model (the case pages ignore the flag)."""
    user = UserFactory.create(username="root", is_staff=True, is_superuser=True)
    client = Client(REMOTE_ADDR=IP)
    client.force_login(user)
    client.user = user  # type: ignore[attr-defined]
    return client


def form_data(response: Any) -> dict[str, Any]:
    """The POST body the admin page would send back unchanged (main form and inlines)."""
    data: dict[str, Any] = {}

    def add(form: Any) -> None:
        for name, field in form.fields.items():
            value = form[name].value()
            key = form.add_prefix(name)
            if isinstance(field.widget, MultiWidget):
                for i, part in enumerate(field.widget.decompress(value) or []):
                    data[f"{key}_{i}"] = "" if part is None else str(part)
            elif isinstance(value, bool):
                if value:
                    data[key] = "on"
            elif isinstance(value, list | tuple):
                data[key] = [str(v) for v in value]
            elif value is not None:
                data[key] = str(value)

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        add(inline.formset.management_form)
        for form in inline.formset.forms:
            add(form)
    return data


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


def test_every_admin_in_the_project_is_audited():
    assert admin.site._registry
    for model, model_admin in admin.site._registry.items():
        assert isinstance(model_admin, AuditedAdminMixin), model


def test_the_audit_trail_is_not_in_the_admin(staff):
    assert staff.get("/admin/audit/auditevent/").status_code == 404
    assert staff.get("/admin/audit/auditchainhead/").status_code == 404


@pytest.mark.smoke
def test_adding_a_membership_in_the_admin_is_recorded(world, staff):
    response = staff.post(
        "/admin/schools/membership/add/",
        {"user": world.inspector.pk, "school": world.school.pk, "role": "counsellor", "is_active": "on"},
    )
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    membership = Membership.objects.get(user=world.inspector, school=world.school)
    (event,) = events("admin.add")
    assert (event.actor, event.school_id, event.ip) == (staff.user, world.school.pk, IP)
    assert (event.target_type, event.target_id) == ("schools.membership", str(membership.pk))
    assert event.detail["new"]["role"] == "counsellor"
    assert event.detail["new"]["user"] == world.inspector.pk


def test_changing_a_membership_records_old_and_new_values(world, staff):
    membership = Membership.objects.get(user=world.colleague)
    url = f"/admin/schools/membership/{membership.pk}/change/"
    data = form_data(staff.get(url)) | {"role": "vice_principal"}
    assert staff.post(url, data).status_code == 302
    (event,) = events("admin.change")
    assert event.detail == {
        "model": "schools.membership",
        "old": {"role": "teacher"},
        "new": {"role": "vice_principal"},
    }
    assert (event.actor, event.school_id, event.ip) == (staff.user, world.school.pk, IP)


def test_an_invalid_change_writes_nothing(world, staff):
    membership = Membership.objects.get(user=world.colleague)
    url = f"/admin/schools/membership/{membership.pk}/change/"
    data = form_data(staff.get(url)) | {"role": "emperor"}
    assert staff.post(url, data).status_code == 200
    assert not AuditEvent.objects.filter(action__startswith="admin.").exists()
    assert Membership.objects.get(pk=membership.pk).role == "teacher"


def test_deleting_in_the_admin_is_recorded_one_by_one_and_in_bulk(world, staff):
    one = Membership.objects.get(user=world.colleague)
    assert staff.post(f"/admin/schools/membership/{one.pk}/delete/", {"post": "yes"}).status_code == 302
    two = Membership.objects.get(user=world.custodian)
    three = Membership.objects.get(user=world.admin)
    response = staff.post(
        "/admin/schools/membership/",
        {"action": "delete_selected", "_selected_action": [two.pk, three.pk], "post": "yes"},
    )
    assert response.status_code == 302
    deleted = events("admin.delete")
    assert [e.target_id for e in deleted[:1]] == [str(one.pk)]
    assert {e.target_id for e in deleted[1:]} == {str(two.pk), str(three.pk)}
    assert all(e.school_id == world.school.pk and e.actor == staff.user for e in deleted)
    assert not Membership.objects.filter(pk__in=[one.pk, two.pk, three.pk]).exists()


def test_a_users_memberships_changed_inline_are_recorded(world, staff):
    # The admin shows times to the second; a stored microsecond would count as a change.
    world.colleague.date_joined = world.colleague.date_joined.replace(microsecond=0)
    world.colleague.save(update_fields=["date_joined"])
    url = f"/admin/accounts/user/{world.colleague.pk}/change/"
    data = form_data(staff.get(url))
    prefix = next(k for k in data if k.endswith("-0-role")).removesuffix("-0-role")
    data[f"{prefix}-0-role"] = "counsellor"
    data["full_name"] = "新名字"
    response = staff.post(url, data)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    changes = events("admin.change")
    inline = next(e for e in changes if e.target_type == "schools.membership")
    assert inline.detail["old"] == {"role": "teacher"} and inline.detail["new"] == {"role": "counsellor"}
    user_change = next(e for e in changes if e.target_type == "accounts.user")
    assert user_change.detail["new"] == {"full_name": "新名字"}, user_change.detail
    assert user_change.school_id == world.school.pk


def test_a_password_set_in_the_admin_is_recorded_without_the_password_or_its_hash(world, staff):
    old_hash = world.colleague.password
    response = staff.post(
        f"/admin/accounts/user/{world.colleague.pk}/password/",
        {"password1": "N3w-pass-phrase!", "password2": "N3w-pass-phrase!", "usable_password": "true"},
    )
    assert response.status_code == 302
    world.colleague.refresh_from_db()
    (event,) = events("admin.change")
    text = json.dumps(event.detail)
    assert "N3w-pass-phrase!" not in text and world.colleague.password not in text and old_hash not in text
    assert event.target_id == str(world.colleague.pk)


def test_a_new_user_in_the_admin_is_recorded_with_secrets_masked(world, staff):
    response = staff.post(
        "/admin/accounts/user/add/",
        form_data(staff.get("/admin/accounts/user/add/"))
        | {
            "username": "newcomer",
            "full_name": "新老师",
            "password1": "N3w-pass-phrase!",
            "password2": "N3w-pass-phrase!",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    (event,) = events("admin.add")
    assert event.detail["new"]["username"] == "newcomer"
    assert "N3w-pass-phrase!" not in json.dumps(event.detail)
    assert all(value == MASK for key, value in event.detail["new"].items() if "password" in key)


def test_api_tokens_are_not_in_the_admin(world, staff):
    """A key in the admin could be copied to act as its owner: the admin shows no token at all."""
    _token, key = api_token_issue(user=world.owner, name="手机")
    assert ApiToken not in admin.site._registry
    assert not any(model._meta.app_label == "authtoken" for model in admin.site._registry)
    assert staff.get("/admin/authtoken/tokenproxy/").status_code == 404
    assert staff.get("/admin/accounts/apitoken/").status_code == 404
    assert key not in staff.get(f"/admin/accounts/user/{world.owner.pk}/change/").content.decode()


def test_people_who_are_not_staff_cannot_use_the_admin(world):
    client = Client()
    client.force_login(world.principal)
    response = client.post(
        "/admin/schools/membership/add/",
        {"user": world.inspector.pk, "school": world.school.pk, "role": "counsellor"},
    )
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert not AuditEvent.objects.filter(action__startswith="admin.").exists()
    assert not Membership.objects.filter(user=world.inspector).exists()
