"""A real browser on a phone-sized screen: a principal adds a teacher from the home page, the
invitation link is opened in a fresh session, the teacher chooses a password, lands on the home
page and then changes the password from the user menu.

Headless Chromium against pytest-django's live server (a transactional test, so the invitation's
e-mail and SMS really go out after commit: to the test's mail outbox and SMS files). Set
WANJIA_SCREENSHOTS=<dir> to keep a screenshot of each page on the way.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import User
from tests.accounts.helpers import OTHER_STRONG, STRONG
from tests.browser.support import PHONE, Page

pytestmark = pytest.mark.browser


def test_a_principal_adds_a_teacher_who_joins_by_the_link_and_changes_the_password(
    world, live_server, browser, sms_outbox
) -> None:
    from selenium.webdriver.remote.webdriver import WebDriver

    driver: WebDriver = browser
    page = Page(driver)

    css, click = page.css, page.click

    def type_into(selector: str, text: str) -> None:
        element = css(selector)
        element.clear()
        element.send_keys(text)

    shots = os.environ.get("WANJIA_SCREENSHOTS")

    def shot(name: str) -> None:
        if shots:
            Path(shots).mkdir(parents=True, exist_ok=True)
            driver.save_screenshot(str(Path(shots) / f"joining-{name}.png"))

    def fits_the_phone() -> None:
        assert driver.execute_script("return document.documentElement.scrollWidth") <= PHONE["width"]

    # The principal logs in and follows the links from the home page.
    driver.get(f"{live_server.url}{reverse('accounts:login')}")
    type_into('input[name="username"]', world.principal.username)
    type_into('input[name="password"]', "pw")
    click('form button[type="submit"]')
    click('[data-card="principal"] [data-link="staff-of-school"]')
    css('table[data-staff] tr[data-member="owner"]')
    fits_the_phone()
    shot("1-staff-list")
    click('[data-link="staff-add"]')
    type_into('input[name="full_name"]', "韩老师")
    type_into('input[name="phone"]', "138 0013 8000")
    type_into('input[name="email"]', "han@example.cn")
    type_into('input[name="username"]', "han")
    assert css('input[name="roles"][value="teacher"]').is_selected()
    shot("2-staff-add")
    click('form[data-form="staff-add"] button[type="submit"]')

    link = css("[data-invitation-link]").get_attribute("href")
    code = css("[data-code]").text
    assert link is not None and link.startswith(f"{live_server.url}/accounts/join/")
    assert len(code) == 9
    fits_the_phone()
    shot("3-invited")
    # The same invitation went out by e-mail and by SMS.
    assert [m.to for m in mail.outbox] == [["han@example.cn"]] and link in mail.outbox[0].body
    assert [m["to"] for m in sms_outbox.messages()] == ["13800138000"]

    # A fresh browser session opens the link.
    driver.delete_all_cookies()
    driver.get(link)
    assert css("[data-username]").text == "han"
    assert "/accounts/join/set-password/" in driver.current_url
    fits_the_phone()
    shot("4-set-password")
    type_into('input[name="new_password1"]', STRONG)
    type_into('input[name="new_password2"]', STRONG)
    click('form[data-form="join-set-password"] button[type="submit"]')

    css('[data-card="teacher"]')
    shot("5-home")
    assert driver.current_url == f"{live_server.url}{reverse('portal:home')}"
    assert "韩老师" in css(".who").text
    assert User.objects.get(username="han").check_password(STRONG)

    # Then changes the password from the user menu.
    click('[data-link="password-change"]')
    type_into('input[name="old_password"]', STRONG)
    type_into('input[name="new_password1"]', OTHER_STRONG)
    type_into('input[name="new_password2"]', OTHER_STRONG)
    click('form[data-form="password-change"] button[type="submit"]')
    css('[data-done="password-change"]')
    shot("6-changed")
    assert User.objects.get(username="han").check_password(OTHER_STRONG)

    # The used link now says so.
    driver.get(link)
    assert css("[data-invitation]").get_attribute("data-invitation") == "accepted"
