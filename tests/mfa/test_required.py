"""WANJIA_MFA_REQUIRED: counsellors, principals, vice principals, school administrators,
inspectors and Django staff must set up a second factor before anything else; others not."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings

from audit.models import AuditEvent
from mfa.selectors import mfa_required_for
from schools.models import Membership
from tests.casework.helpers import add_staff
from tests.factories import MembershipFactory, UserFactory
from tests.mfa.helpers import ENROL_URL, HOME_URL, VERIFY_URL, app_code, fresh_code, password_step

pytestmark = pytest.mark.django_db

REQUIRED = override_settings(WANJIA_MFA_REQUIRED=True)


def person(world, who: str):
    if who == "vice_principal":
        return add_staff("vp", world.school, Membership.Role.VICE_PRINCIPAL)
    if who == "django_staff":
        return UserFactory.create(username="root", is_staff=True)
    return getattr(world, who)


@REQUIRED
@pytest.mark.parametrize(
    "who", ["counsellor", "principal", "vice_principal", "admin", "inspector", "django_staff"]
)
def test_these_roles_set_up_a_second_factor_before_anything_else(world, who: str, client: Client) -> None:
    user = person(world, who)
    assert mfa_required_for(user=user)
    password_step(client, user)
    for path in (HOME_URL, "/cases/", "/admin/", VERIFY_URL):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith(f"{ENROL_URL}?next="), path
    api = client.get("/api/v1/pupils/")
    assert (api.status_code, api.json()["code"]) == (403, "mfa_required")
    page = client.get(ENROL_URL)
    assert page.status_code == 200
    assert 'class="mainnav"' not in page.content.decode()


@REQUIRED
@pytest.mark.parametrize("who", ["owner", "custodian"])
def test_teachers_and_custodians_are_not_required_to(world, who: str, client: Client) -> None:
    user = getattr(world, who)
    assert not mfa_required_for(user=user)
    password_step(client, user)
    assert client.get(HOME_URL).status_code == 200


@REQUIRED
def test_a_former_counsellor_is_not_required_to(world, client: Client) -> None:
    former = UserFactory.create(username="former")
    MembershipFactory.create(
        user=former, school=world.school, role=Membership.Role.COUNSELLOR, is_active=False
    )
    MembershipFactory.create(user=former, school=world.other_school, role=Membership.Role.TEACHER)
    assert not mfa_required_for(user=former)
    password_step(client, former)
    assert client.get(HOME_URL).status_code == 200


@pytest.mark.parametrize("who", ["counsellor", "principal", "inspector", "django_staff"])
def test_with_the_setting_off_they_get_straight_in(world, who: str, client: Client) -> None:
    password_step(client, person(world, who))
    assert client.get(HOME_URL).status_code == 200
    assert client.get("/api/v1/pupils/").status_code == 200


def test_turning_the_setting_on_reaches_sessions_already_open(world, client: Client) -> None:
    password_step(client, world.counsellor)
    assert client.get(HOME_URL).status_code == 200
    with REQUIRED:
        assert client.get(HOME_URL)["Location"].startswith(ENROL_URL)
    assert client.get(HOME_URL).status_code == 200


@REQUIRED
def test_after_enrolling_the_next_login_asks_for_the_code(world, client: Client) -> None:
    password_step(client, world.counsellor)
    client.get(f"{ENROL_URL}?next=/cases/")
    key = bytes.fromhex(client.session["wanjia_mfa_enrol_key"])
    response = client.post(ENROL_URL, {"otp": app_code(key), "next": "/cases/"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/recovery-codes/?next=%2Fcases%2F"
    assert client.get("/cases/").status_code == 200
    assert AuditEvent.objects.filter(action="mfa.enrol", actor=world.counsellor).count() == 1

    client.post("/accounts/logout/")
    password_step(client, world.counsellor)
    assert client.get(HOME_URL)["Location"].startswith(VERIFY_URL)
    assert client.get(ENROL_URL)["Location"].startswith(VERIFY_URL)
    device = world.counsellor.totpdevice_set.get()
    client.post(VERIFY_URL, {"otp": fresh_code(device)})
    assert client.get(HOME_URL).status_code == 200


@REQUIRED
def test_the_admin_needs_a_verified_staff_user(world, client: Client) -> None:
    root = UserFactory.create(username="root", is_staff=True, is_superuser=True)
    password_step(client, root)
    assert client.get("/admin/")["Location"] == f"{ENROL_URL}?next=%2Fadmin%2F"
    assert client.get("/admin/login/")["Location"].startswith(ENROL_URL)
    client.get(ENROL_URL)
    key = bytes.fromhex(client.session["wanjia_mfa_enrol_key"])
    client.post(ENROL_URL, {"otp": app_code(key)})
    assert client.get("/admin/").status_code == 200
