"""A principal or vice principal resets a colleague's second factor (a lost phone): on the
staff page and through the API. The devices go, every session and token of the colleague ends,
and the reset is audited in the school's chain."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import ApiToken
from audit.models import AuditEvent
from schools.models import Membership
from tests.api.helpers import api_client
from tests.casework.helpers import add_staff
from tests.factories import UserFactory
from tests.mfa.helpers import ENROL_URL, HOME_URL, VERIFY_URL, enrol, password_step, sign_in

pytestmark = pytest.mark.django_db

STAFF_URL = "/accounts/2fa/staff/"
EN = {"accept-language": "en"}


def reset_url(user) -> str:
    return f"/accounts/2fa/reset/{user.pk}/"


def api_url(user) -> str:
    return f"/api/v1/staff/{user.pk}/mfa/reset/"


@pytest.fixture
def principal(world) -> Client:
    client = Client(REMOTE_ADDR="10.3.3.3")
    client.force_login(world.principal)
    return client


def test_the_staff_page_lists_the_school_with_who_has_a_second_factor(world, principal: Client) -> None:
    enrol(world.counsellor)
    html = principal.get(STAFF_URL, headers=EN).content.decode()
    for member in (world.owner, world.colleague, world.counsellor, world.admin, world.custodian):
        assert f'data-person="{member.pk}"' in html
        assert f'href="{reset_url(member)}?school={world.school.pk}"' in html
    assert f'data-person="{world.outsider.pk}"' not in html
    assert f'data-reset="{world.principal.pk}"' not in html  # not their own
    row = html[html.index(f'data-person="{world.counsellor.pk}"') :]
    assert row[: row.index("</tr>")].count("tag ok") == 1


def test_a_principal_resets_a_colleagues_second_factor(world, principal: Client) -> None:
    device, _codes = enrol(world.counsellor)
    counsellor = Client()
    sign_in(counsellor, world.counsellor, device)
    token = api_client(world.counsellor)
    assert token.get("/api/v1/pupils/").status_code == 200

    page = principal.get(f"{reset_url(world.counsellor)}?school={world.school.pk}", headers=EN)
    assert page.status_code == 200
    assert "Reset the second factor of" in page.content.decode()
    response = principal.post(reset_url(world.counsellor), {"school": world.school.pk})
    assert response.status_code == 302
    assert response["Location"] == f"{STAFF_URL}?school={world.school.pk}"

    assert not TOTPDevice.objects.filter(user=world.counsellor).exists()
    assert not StaticDevice.objects.filter(user=world.counsellor).exists()
    assert counsellor.get(HOME_URL)["Location"].startswith("/accounts/login/")  # session ended
    assert token.get("/api/v1/pupils/").status_code == 401
    assert not ApiToken.objects.live().filter(user=world.counsellor).exists()
    event = AuditEvent.objects.get(action="mfa.reset")
    assert (event.actor, event.target_id, event.school_id, event.ip, event.detail) == (
        world.principal,
        str(world.counsellor.pk),
        world.school.pk,
        "10.3.3.3",
        {"devices": 2},
    )
    # Their next login: the password alone (setting off), or enrolment first (setting on).
    password_step(counsellor, world.counsellor)
    assert counsellor.get(HOME_URL).status_code == 200
    with override_settings(WANJIA_MFA_REQUIRED=True):
        again = Client()
        password_step(again, world.counsellor)
        assert again.get(HOME_URL)["Location"].startswith(ENROL_URL)


def test_a_vice_principal_may_reset_too(world) -> None:
    vice = add_staff("vp", world.school, Membership.Role.VICE_PRINCIPAL)
    enrol(world.owner)
    client = Client()
    client.force_login(vice)
    assert client.post(reset_url(world.owner), {"school": world.school.pk}).status_code == 302
    assert not TOTPDevice.objects.filter(user=world.owner).exists()


@pytest.mark.parametrize("who", ["colleague", "counsellor", "admin", "inspector"])
def test_others_may_not(world, who: str) -> None:
    enrol(world.owner)
    client = Client()
    client.force_login(getattr(world, who))
    assert client.get(STAFF_URL).status_code == 403
    expected = 404 if who == "inspector" else 403  # not a member of the school at all
    assert client.post(reset_url(world.owner), {"school": world.school.pk}).status_code == expected
    api = api_client(getattr(world, who)).post(
        api_url(world.owner), {"school": world.school.pk}, format="json"
    )
    assert api.status_code == expected
    assert TOTPDevice.objects.filter(user=world.owner).exists()
    assert not AuditEvent.objects.filter(action="mfa.reset").exists()


def test_another_schools_principal_sees_no_one_here(world) -> None:
    other = add_staff("principal_b", world.other_school, Membership.Role.PRINCIPAL)
    enrol(world.owner)
    client = Client()
    client.force_login(other)
    html = client.get(STAFF_URL).content.decode()
    assert f'data-person="{world.outsider.pk}"' in html and f'data-person="{world.owner.pk}"' not in html
    assert client.get(f"{STAFF_URL}?school={world.school.pk}").status_code == 404
    for school in (world.other_school, world.school):
        assert client.post(reset_url(world.owner), {"school": school.pk}).status_code == 404
        response = api_client(other).post(api_url(world.owner), {"school": school.pk}, format="json")
        assert (response.status_code, response.json()["code"]) == (404, "not_found")
    assert TOTPDevice.objects.filter(user=world.owner).exists()


def test_not_ones_own_nor_an_administrators(world, principal: Client) -> None:
    assert principal.post(reset_url(world.principal), {"school": world.school.pk}).status_code == 403
    root = add_staff("root", world.school, Membership.Role.TEACHER)
    root.is_staff = True
    root.save(update_fields=["is_staff"])
    assert principal.post(reset_url(root), {"school": world.school.pk}).status_code == 403
    assert not AuditEvent.objects.filter(action="mfa.reset").exists()


def test_a_former_member_is_not_on_the_staff(world, principal: Client) -> None:
    former = UserFactory.create(username="former")
    Membership.objects.create(user=former, school=world.school, role=Membership.Role.TEACHER, is_active=False)
    assert principal.post(reset_url(former), {"school": world.school.pk}).status_code == 404


def test_the_api_resets_with_204(world) -> None:
    enrol(world.counsellor)
    response = api_client(world.principal).post(
        api_url(world.counsellor), {"school": world.school.pk}, format="json"
    )
    assert response.status_code == 204
    assert response.content == b""
    assert not TOTPDevice.objects.filter(user=world.counsellor).exists()
    assert AuditEvent.objects.get(action="mfa.reset").school_id == world.school.pk


def test_the_api_refuses_bad_requests(world) -> None:
    client = api_client(world.principal)
    missing = client.post(api_url(world.counsellor), {}, format="json")
    assert (missing.status_code, list(missing.json()["errors"])) == (400, ["school"])
    assert client.post(api_url(world.counsellor), {"school": "x"}, format="json").status_code == 400
    assert client.get(api_url(world.counsellor)).status_code == 405
    assert api_client().post(api_url(world.counsellor), {"school": world.school.pk}).status_code == 401
    assert client.post(f"/api/v1/staff/{10**9}/mfa/reset/", {"school": world.school.pk}).status_code == 404


def test_the_pages_refuse_other_methods_and_bad_schools(world, principal: Client) -> None:
    assert principal.post(STAFF_URL).status_code == 405
    assert principal.put(reset_url(world.owner)).status_code == 405
    assert principal.get(f"{STAFF_URL}?school=abc").status_code == 404


def test_a_principal_who_owes_the_code_resets_nothing(world) -> None:
    enrol(world.principal)
    enrol(world.owner)
    client = Client()
    password_step(client, world.principal)
    response = client.post(reset_url(world.owner), {"school": world.school.pk})
    assert response["Location"].startswith(VERIFY_URL)
    assert TOTPDevice.objects.filter(user=world.owner).exists()
