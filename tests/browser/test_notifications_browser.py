"""A real browser on a phone-sized screen: a submitted plan reaches the principal, who follows the
notification from the menu's unread badge to the approval task; the teacher hears it was approved."""

from __future__ import annotations

import pytest

from tests.browser.support import Page
from tests.builders import approve_plan, open_case, submit_plan
from workflows.models import Notification, NotificationKind

pytestmark = pytest.mark.browser


def test_the_principal_is_told_of_a_submitted_plan_and_opens_it(world, live_server, browser) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.remote.webdriver import WebDriver
    from selenium.webdriver.support import expected_conditions as ec

    driver: WebDriver = browser
    page = Page(driver)
    wait = page.wait
    case = open_case(world.classroom, by=world.colleague)
    submit_plan(case, by=world.colleague)
    note = Notification.objects.get(user=world.principal, kind=NotificationKind.PLAN_SUBMITTED)

    css, click = page.css, page.click

    def sign_in(username: str) -> None:
        driver.delete_all_cookies()
        driver.get(f"{live_server.url}/accounts/login/")
        css('input[name="username"]').send_keys(username)
        css('input[name="password"]').send_keys("pw")
        click('form button[type="submit"]')

    sign_in(world.principal.username)
    assert css("[data-unread]").get_attribute("data-unread") == "1"
    # On a phone: the 通知 tab of the bottom bar, with its unread count.
    assert css('nav.tabbar a[href="/workflows/notifications/"] .tab-badge').text == "1"
    click('nav.tabbar a[href="/workflows/notifications/"]')
    card = css(f'[data-notification="{note.pk}"]')
    assert str(case.pk) in card.text
    click(f'button[data-open="{note.pk}"]')
    wait.until(ec.url_to_be(f"{live_server.url}{note.url}"))
    assert css("h1[data-kind]").get_attribute("data-kind") == "approve_plan"
    note.refresh_from_db()
    assert note.read_at is not None
    assert not driver.find_elements(By.CSS_SELECTOR, "[data-unread]")

    approve_plan(case, by=world.principal)
    sign_in(world.colleague.username)
    click('nav.tabbar a[href="/workflows/notifications/"]')
    approved = Notification.objects.get(user=world.colleague, kind=NotificationKind.PLAN_APPROVED)
    css(f'[data-notification="{approved.pk}"][data-kind="plan_approved"]')
