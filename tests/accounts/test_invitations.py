"""Invitations: hashed secrets, a link or a code to choose a password, single use, expiry,
replacement, attempt limit, clear pages for every invalid case, and the audit trail."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone, translation

from accounts.invitations import (
    CODE_ALPHABET,
    CODE_LENGTH,
    Status,
    invitation_create,
    invitation_status,
    token_hash,
)
from accounts.models import Invitation, User
from audit.models import AuditEvent
from core.errors import Conflict, ErrorCode
from tests.accounts.helpers import STRONG, invite_new_teacher

pytestmark = pytest.mark.django_db

SET_PASSWORD = reverse("accounts:join_set_password")
JOIN_CODE = reverse("accounts:join_code")


def path_of(link: str) -> str:
    return link.removeprefix("http://testserver")


def choose_password(client: Client, password: str = STRONG, **extra: Any):
    return client.post(SET_PASSWORD, {"new_password1": password, "new_password2": password}, **extra)


def test_only_hashes_are_stored_and_the_secrets_leave_once(
    world, django_capture_on_commit_callbacks, sms_outbox
):
    with django_capture_on_commit_callbacks(execute=True):
        user, issued = invite_new_teacher(world.school, by=world.principal, email="zhou@example.cn")

    invitation = Invitation.objects.get(user=user)
    assert invitation.token_hash == token_hash(issued.token) != issued.token
    assert len(issued.code) == CODE_LENGTH and set(issued.code) <= set(CODE_ALPHABET)
    stored = " ".join(str(v) for v in Invitation.objects.filter(pk=invitation.pk).values().get().values())
    assert issued.token not in stored and issued.code not in stored
    assert issued.link == f"http://testserver/accounts/join/{issued.token}/"
    # Delivered by e-mail and by SMS, each with the link and the code.
    (message,) = mail.outbox
    assert (
        message.to == ["zhou@example.cn"]
        and issued.link in message.body
        and issued.display_code in message.body
    )
    (text,) = sms_outbox.messages()
    assert text["to"] == "13912345678" and issued.link in text["text"] and issued.display_code in text["text"]
    assert sorted(issued.channels) == ["email", "sms"]
    assert not user.has_usable_password()


@override_settings(WANJIA_INVITATION_DAYS=3)
def test_an_invitation_expires_after_the_configured_days(world):
    before = timezone.now()
    _user, issued = invite_new_teacher(world.school, by=world.principal)
    expires = issued.invitation.expires_at
    assert before + datetime.timedelta(days=3) <= expires <= timezone.now() + datetime.timedelta(days=3)
    client = Client()
    with time_machine.travel(expires + datetime.timedelta(seconds=1)):
        response = client.get(path_of(issued.link))
    assert response.status_code == 410
    assert 'data-invitation="expired"' in response.content.decode()


def test_the_link_lets_the_person_choose_a_password_and_logs_them_in(world):
    user, issued = invite_new_teacher(world.school, by=world.principal)
    client = Client()

    response = client.get(path_of(issued.link))
    assert response.status_code == 302 and response["Location"] == SET_PASSWORD
    page = client.get(SET_PASSWORD)
    assert page.status_code == 200 and "zhou" in page.content.decode()
    assert issued.token not in page.content.decode()

    response = choose_password(client, REMOTE_ADDR="10.1.2.3")

    assert response.status_code == 302 and response["Location"] == reverse("portal:home")
    user.refresh_from_db()
    assert user.check_password(STRONG)
    assert client.get(reverse("portal:home")).context["user"] == user
    invitation = Invitation.objects.get(pk=issued.invitation.pk)
    assert invitation.accepted_at is not None and invitation_status(invitation) == Status.ACCEPTED
    (accepted,) = AuditEvent.objects.filter(action="invitation.accepted")
    assert (accepted.actor, accepted.target_id, accepted.school_id) == (user, str(user.pk), world.school.pk)
    assert accepted.detail == {"invitation": invitation.pk, "via": "link"} and accepted.ip == "10.1.2.3"
    # The secrets are in no audit event.
    for event in AuditEvent.objects.all():
        assert issued.token not in str(event.detail) and issued.code not in str(event.detail)


def test_a_used_link_gives_a_clear_page_and_cannot_be_used_again(world):
    _user, issued = invite_new_teacher(world.school, by=world.principal)
    client = Client()
    client.get(path_of(issued.link))
    choose_password(client)

    again = Client().get(path_of(issued.link))

    assert again.status_code == 410
    assert 'data-invitation="accepted"' in again.content.decode()
    assert AuditEvent.objects.filter(action="invitation.accepted").count() == 1


def test_unknown_and_malformed_tokens_give_a_clear_404_never_a_500(world):
    client = Client()
    for token in ["nope", "x" * 300, "a.b"]:
        response = client.get(f"/accounts/join/{token}/")
        assert response.status_code == 404, token
        assert 'data-invitation="unknown"' in response.content.decode()
    # A NUL is refused at the edge, before any view (core.middleware.RejectNulMiddleware).
    assert client.get("/accounts/join/%00/").status_code == 400
    # Straight to the password page without an invitation: the same clear page.
    assert client.get(SET_PASSWORD).status_code == 404
    assert client.post(SET_PASSWORD, {"new_password1": STRONG, "new_password2": STRONG}).status_code == 404


def test_a_new_invitation_replaces_the_old_one(world):
    user, first = invite_new_teacher(world.school, by=world.principal)
    second = invitation_create(user=user, invited_by=world.admin, base_url="http://testserver")
    assert second.replaced == 1

    old = Client().get(path_of(first.link))
    assert old.status_code == 410 and 'data-invitation="revoked"' in old.content.decode()
    client = Client()
    assert client.get(path_of(second.link)).status_code == 302
    assert choose_password(client).status_code == 302


def test_a_link_opened_before_it_was_replaced_cannot_set_the_password(world):
    user, first = invite_new_teacher(world.school, by=world.principal)
    client = Client()
    client.get(path_of(first.link))
    invitation_create(user=user, invited_by=world.principal, base_url="")

    response = choose_password(client)

    assert response.status_code == 410
    user.refresh_from_db()
    assert not user.has_usable_password()


def test_a_weak_password_is_refused_in_chinese_and_the_invitation_stays(world):
    _user, issued = invite_new_teacher(world.school, by=world.principal)
    client = Client()
    client.get(path_of(issued.link))

    with translation.override("zh-hans"):
        response = choose_password(client, "password1", HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert response.status_code == 400
    page = response.content.decode()
    assert "这个密码太常见了" in page and "您的密码太容易猜测" in page
    assert invitation_status(Invitation.objects.get(pk=issued.invitation.pk)) == Status.PENDING
    assert choose_password(client).status_code == 302


def test_the_code_with_the_username_or_phone_leads_to_the_password_page(world):
    user, issued = invite_new_teacher(world.school, by=world.principal)
    client = Client()
    # As read out over the phone: lower case, with a space.
    typed = f"{issued.code[:4].lower()} {issued.code[4:]}"

    response = client.post(JOIN_CODE, {"identifier": "139 1234 5678", "code": typed})

    assert response.status_code == 302 and response["Location"] == SET_PASSWORD
    assert choose_password(client).status_code == 302
    (accepted,) = AuditEvent.objects.filter(action="invitation.accepted")
    assert accepted.detail["via"] == "code"
    user.refresh_from_db()
    assert user.check_password(STRONG)


@override_settings(WANJIA_INVITATION_MAX_ATTEMPTS=3)
def test_wrong_codes_are_counted_and_the_last_one_revokes_the_invitation(world):
    _user, issued = invite_new_teacher(world.school, by=world.principal)
    wrong = "".join("A" if c != "A" else "B" for c in issued.code)
    client = Client(headers={"accept-language": "en"})
    for _ in range(3):
        response = client.post(JOIN_CODE, {"identifier": "zhou", "code": wrong})
        assert response.status_code == 400
        assert "do not match a valid invitation" in response.content.decode()

    response = client.post(JOIN_CODE, {"identifier": "zhou", "code": issued.code})

    assert response.status_code == 400
    invitation = Invitation.objects.get(pk=issued.invitation.pk)
    assert invitation.failed_attempts == 3 and invitation.revoked_at is not None
    assert Client().get(path_of(issued.link)).status_code == 410


def test_an_unknown_person_gets_the_same_answer_as_a_wrong_code(world):
    invite_new_teacher(world.school, by=world.principal)
    unknown = Client().post(JOIN_CODE, {"identifier": "nobody", "code": "ABCD-EFGH"})
    wrong = Client().post(JOIN_CODE, {"identifier": "zhou", "code": "ABCD-EFGH"})
    assert unknown.status_code == wrong.status_code == 400
    assert unknown.context["form"].non_field_errors() == wrong.context["form"].non_field_errors()


def test_people_with_a_password_are_never_invited(world):
    with pytest.raises(Conflict) as refused:
        invitation_create(user=world.colleague, invited_by=world.principal, base_url="")
    assert refused.value.code == ErrorCode.ALREADY_JOINED
    assert not Invitation.objects.exists()


def test_a_switched_off_account_cannot_accept(world):
    user, issued = invite_new_teacher(world.school, by=world.principal)
    User.objects.filter(pk=user.pk).update(is_active=False)
    response = Client().get(path_of(issued.link))
    assert response.status_code == 410 and 'data-invitation="inactive"' in response.content.decode()


def test_the_joining_pages_refuse_other_methods(world):
    client = Client()
    assert client.put(JOIN_CODE).status_code == 405
    assert client.post("/accounts/join/sometoken/").status_code == 405
