"""Changing one's password, and resetting it by e-mail or by a code sent by SMS: validated,
audited, ending the person's other sessions, and telling no visitor who has an account."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import PasswordResetCode
from audit.models import AuditEvent
from tests.accounts.helpers import OTHER_STRONG, STRONG, invite_new_teacher
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

HOME = reverse("portal:home")
CHANGE = reverse("accounts:password_change")
RESET = reverse("accounts:password_reset")
RESET_SMS = reverse("accounts:password_reset_sms")
RESET_SMS_CODE = reverse("accounts:password_reset_sms_code")


def sign_in(username: str, password: str) -> Client | None:
    """Through the login page, as a person does (and as the lockout counts it)."""
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": username, "password": password})
    return client if response.status_code == 302 else None


def logged_in(username: str, password: str) -> Client:
    client = sign_in(username, password)
    assert client is not None
    return client


def is_logged_in(client: Client) -> bool:
    return client.get(HOME).status_code == 200


# --- change ---------------------------------------------------------------------------------------


def test_changing_the_password_keeps_this_session_and_ends_the_others(world):
    here = logged_in("colleague", "pw")
    elsewhere = logged_in("colleague", "pw")

    page = here.get(CHANGE)
    assert page.status_code == 200 and 'data-form="password-change"' in page.content.decode()
    response = here.post(
        CHANGE,
        {"old_password": "pw", "new_password1": STRONG, "new_password2": STRONG},
        REMOTE_ADDR="10.4.4.4",
    )

    assert response.status_code == 302 and response["Location"] == reverse("accounts:password_change_done")
    assert is_logged_in(here)
    assert not is_logged_in(elsewhere)
    world.colleague.refresh_from_db()
    assert world.colleague.check_password(STRONG)
    (event,) = AuditEvent.objects.filter(action="auth.password_changed")
    assert (event.actor, event.school_id, event.detail, event.ip) == (
        world.colleague,
        world.school.pk,
        {"method": "change"},
        "10.4.4.4",
    )
    assert STRONG not in str(event.detail)


def test_a_wrong_old_password_or_a_weak_new_one_changes_nothing(world):
    client = logged_in("colleague", "pw")
    wrong_old = client.post(
        CHANGE, {"old_password": "nope", "new_password1": STRONG, "new_password2": STRONG}
    )
    weak = client.post(
        CHANGE, {"old_password": "pw", "new_password1": "colleague1", "new_password2": "colleague1"}
    )
    assert wrong_old.status_code == weak.status_code == 200
    assert wrong_old.context["form"].errors["old_password"]
    assert weak.context["form"].errors["new_password2"]
    world.colleague.refresh_from_db()
    assert world.colleague.check_password("pw")
    assert not AuditEvent.objects.filter(action="auth.password_changed").exists()


def test_the_change_page_needs_a_login_and_is_linked_from_every_page(world):
    assert Client().get(CHANGE).status_code == 302
    home = logged_in("owner", "pw").get(HOME).content.decode()
    assert f'href="{CHANGE}" data-link="password-change"' in home


# --- reset by e-mail ------------------------------------------------------------------------------


def test_the_e_mail_reset_answers_the_same_whoever_is_typed(world):
    world.colleague.email = "colleague@example.cn"
    world.colleague.save()
    known = Client().post(RESET, {"email": "colleague@example.cn"})
    unknown = Client().post(RESET, {"email": "nobody@example.cn"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == reverse("accounts:password_reset_done")
    assert [m.to for m in mail.outbox] == [["colleague@example.cn"]]


@override_settings(WANJIA_SITE_URL="https://wanjia.example.edu.cn")
def test_the_e_mailed_link_sets_a_new_password_and_ends_the_old_sessions(world):
    world.colleague.email = "colleague@example.cn"
    world.colleague.save()
    old_session = logged_in("colleague", "pw")
    client = Client()
    client.post(RESET, {"email": "colleague@example.cn"})
    (message,) = mail.outbox
    link = re.search(r"https://wanjia\.example\.edu\.cn(/accounts/password/reset/\S+/)", str(message.body))
    assert link is not None, message.body

    form_page = client.get(link.group(1), follow=True)
    assert form_page.context["validlink"]
    response = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": STRONG, "new_password2": STRONG}
    )

    assert response.status_code == 302 and response["Location"] == reverse("accounts:password_reset_complete")
    assert not is_logged_in(old_session)
    assert sign_in("colleague", STRONG)
    (event,) = AuditEvent.objects.filter(action="auth.password_changed")
    assert event.detail == {"method": "email_reset"} and event.actor == world.colleague
    # The link works once.
    again = client.get(link.group(1), follow=True)
    assert not again.context["validlink"] and "data-invalid-link" in again.content.decode()


# --- reset by SMS ---------------------------------------------------------------------------------


def phone_user(username: str = "wu", phone: str = "13700001111"):
    return UserFactory.create(username=username, phone=phone)


def ask_for_code(client: Client, identifier: str, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(RESET_SMS, {"identifier": identifier})


def test_a_texted_code_sets_a_new_password(world, sms_outbox, django_capture_on_commit_callbacks):
    user = phone_user()
    old_session = logged_in("wu", "pw")
    client = Client()

    response = ask_for_code(client, "+86 137-0000-1111", django_capture_on_commit_callbacks)

    assert response.status_code == 302 and response["Location"] == RESET_SMS_CODE
    (text,) = sms_outbox.messages()
    assert text["to"] == "13700001111"
    code = sms_outbox.last_code()
    response = client.post(RESET_SMS_CODE, {"code": code, "new_password1": STRONG, "new_password2": STRONG})
    assert response.status_code == 302 and response["Location"] == reverse("accounts:password_reset_complete")
    assert sign_in("wu", STRONG)
    assert not is_logged_in(old_session)
    events = AuditEvent.objects.filter(
        target_id=str(user.pk), action__in=["auth.reset_code_sent", "auth.password_changed"]
    )
    assert [e.action for e in events.order_by("pk")] == ["auth.reset_code_sent", "auth.password_changed"]
    assert events.get(action="auth.reset_code_sent").actor is None
    assert AuditEvent.objects.get(action="auth.password_changed").detail == {"method": "sms_reset"}
    assert code not in str(list(AuditEvent.objects.values_list("detail", flat=True)))
    # Used once.
    client.post(RESET_SMS, {"identifier": "wu"})
    assert PasswordResetCode.objects.filter(user=user, used_at__isnull=False).count() == 1


def test_an_unknown_person_gets_the_same_pages_and_no_text(
    world, sms_outbox, django_capture_on_commit_callbacks
):
    client = Client()
    response = ask_for_code(client, "nobody", django_capture_on_commit_callbacks)
    assert response.status_code == 302 and response["Location"] == RESET_SMS_CODE
    assert sms_outbox.messages() == []
    response = client.post(
        RESET_SMS_CODE, {"code": "123456", "new_password1": STRONG, "new_password2": STRONG}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["code"]


def test_a_weak_password_keeps_the_code_valid(world, sms_outbox, django_capture_on_commit_callbacks):
    phone_user()
    client = Client()
    ask_for_code(client, "wu", django_capture_on_commit_callbacks)
    code = sms_outbox.last_code()
    weak = client.post(
        RESET_SMS_CODE, {"code": code, "new_password1": "wu123456", "new_password2": "wu123456"}
    )
    assert weak.status_code == 400 and "code" not in weak.context["form"].errors
    ok = client.post(RESET_SMS_CODE, {"code": code, "new_password1": STRONG, "new_password2": STRONG})
    assert ok.status_code == 302


@override_settings(WANJIA_SMS_CODE_MAX_ATTEMPTS=3)
def test_wrong_codes_use_the_code_up(world, sms_outbox, django_capture_on_commit_callbacks):
    phone_user()
    client = Client()
    ask_for_code(client, "wu", django_capture_on_commit_callbacks)
    code = sms_outbox.last_code()
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(3):
        assert (
            client.post(
                RESET_SMS_CODE, {"code": wrong, "new_password1": STRONG, "new_password2": STRONG}
            ).status_code
            == 400
        )
    response = client.post(RESET_SMS_CODE, {"code": code, "new_password1": STRONG, "new_password2": STRONG})
    assert response.status_code == 400
    assert not sign_in("wu", STRONG)


@override_settings(WANJIA_SMS_CODE_MINUTES=10)
def test_a_code_expires(world, sms_outbox, django_capture_on_commit_callbacks):
    phone_user()
    client = Client()
    ask_for_code(client, "wu", django_capture_on_commit_callbacks)
    code = sms_outbox.last_code()
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=11)):
        response = client.post(
            RESET_SMS_CODE, {"code": code, "new_password1": STRONG, "new_password2": STRONG}
        )
    assert response.status_code == 400


@override_settings(WANJIA_SMS_CODES_PER_HOUR=2)
def test_codes_are_limited_per_person_and_only_the_newest_works(
    world, sms_outbox, django_capture_on_commit_callbacks
):
    user = phone_user()
    first, second, third = Client(), Client(), Client()
    ask_for_code(first, "wu", django_capture_on_commit_callbacks)
    first_code = sms_outbox.last_code()
    ask_for_code(second, "13700001111", django_capture_on_commit_callbacks)
    response = ask_for_code(third, "wu", django_capture_on_commit_callbacks)

    assert response.status_code == 302  # the same answer, but nothing sent
    assert len(sms_outbox.messages()) == 2
    assert PasswordResetCode.objects.filter(user=user).count() == 2
    stale = first.post(RESET_SMS_CODE, {"code": first_code, "new_password1": STRONG, "new_password2": STRONG})
    assert stale.status_code == 400
    fresh = second.post(
        RESET_SMS_CODE,
        {"code": sms_outbox.last_code(), "new_password1": OTHER_STRONG, "new_password2": OTHER_STRONG},
    )
    assert fresh.status_code == 302
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=61)):
        ask_for_code(third, "wu", django_capture_on_commit_callbacks)
    assert len(sms_outbox.messages()) == 3


def test_a_phone_shared_by_two_accounts_names_neither(world, sms_outbox, django_capture_on_commit_callbacks):
    phone_user("wu", "13700001111")
    phone_user("wu2", "13700001111")
    ask_for_code(Client(), "13700001111", django_capture_on_commit_callbacks)
    assert sms_outbox.messages() == []
    ask_for_code(Client(), "wu2", django_capture_on_commit_callbacks)
    assert len(sms_outbox.messages()) == 1


def test_someone_who_never_joined_gets_no_code(world, sms_outbox, django_capture_on_commit_callbacks):
    user, _issued = invite_new_teacher(world.school, by=world.principal, phone="13755556666")
    response = ask_for_code(Client(), "13755556666", django_capture_on_commit_callbacks)
    assert response.status_code == 302 and response["Location"] == RESET_SMS_CODE
    assert sms_outbox.messages() == []
    assert not PasswordResetCode.objects.filter(user=user).exists()


def test_the_code_page_without_asking_first_goes_back(world):
    response = Client().get(RESET_SMS_CODE)
    assert response.status_code == 302 and response["Location"] == RESET_SMS


@override_settings(WANJIA_SMS_BACKEND="")
def test_without_sms_the_reset_by_text_is_hidden_and_refused(world):
    assert 'data-link="password-reset-sms"' not in Client().get(RESET).content.decode()
    assert Client().get(RESET_SMS).status_code == 404
    assert Client().post(RESET_SMS, {"identifier": "owner"}).status_code == 404


def test_the_login_page_links_to_the_reset_and_the_joining_page(world):
    page = Client().get(reverse("accounts:login")).content.decode()
    assert f'href="{RESET}"' in page and f'href="{reverse("accounts:join_code")}"' in page
    assert 'data-link="password-reset-sms"' in Client().get(RESET).content.decode()
