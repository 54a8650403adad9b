"""A real browser on a phone: the plan's way through the inbox, by following links only.

The teacher opens the task from the inbox and lands on the plan form, submits it; the principal
opens the approval task, sees the plan, returns it with a reason; the teacher sees the reason at
the top of the case, cannot resubmit it unchanged, edits and resubmits; the principal sees what
changed and approves. Every page is reached from the home page (issue 13).
"""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

from casework.models import Case, State
from tests.browser.support import PHONE, Page
from tests.builders import open_case

pytestmark = pytest.mark.browser

REASON = "请写明每周辅导的次数和负责老师"


def test_a_plan_returned_with_a_reason_revised_and_approved_through_the_inbox(
    world, live_server, browser
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.remote.webdriver import WebDriver

    driver: WebDriver = browser
    page = Page(driver)
    wait = page.wait
    case = open_case(world.classroom, by=world.owner)

    css, click = page.css, page.click

    def log_in(username: str) -> None:
        driver.get(f"{live_server.url}/accounts/login/")
        css('input[name="username"]').send_keys(username)
        css('input[name="password"]').send_keys("pw")
        click('form button[type="submit"]')
        css('[data-card="tasks"]')

    def log_out() -> None:
        click('.who button[type="submit"]')
        css('input[name="username"]')

    def to_inbox_task() -> None:
        """Home → My tasks → the one task's work link."""
        click('[data-card="tasks"] h2 a')
        click("[data-action]")

    def at_inbox() -> None:
        """Back where the work was opened from: the inbox."""
        wait.until(lambda d: urlparse(d.current_url).path == "/workflows/inbox/")
        css("h1")

    def no_sideways_scroll() -> None:
        assert driver.execute_script("return document.documentElement.scrollWidth") <= PHONE["width"]

    # The teacher: from the inbox straight to the plan form, and back to the inbox.
    log_in(world.owner.username)
    to_inbox_task()
    css('textarea[name="goals"]').send_keys("期末数学及格")
    css('textarea[name="measures"]').send_keys("课后一对一辅导")
    no_sideways_scroll()
    click("[data-plan-submit]")
    at_inbox()
    assert Case.objects.get(pk=case.pk).state == State.AWAITING_APPROVAL
    log_out()

    # The principal: the approval page shows the plan; returning needs a reason.
    log_in(world.principal.username)
    to_inbox_task()
    assert css('[data-field="goals"]').text == "期末数学及格"
    css("[data-diff-first]")
    assert not driver.find_elements(By.CSS_SELECTOR, "[data-claim]")
    no_sideways_scroll()
    click("[data-return]")
    assert css("[data-reason-error]").text
    css('textarea[name="reason"]').send_keys(REASON)
    click("[data-return]")
    at_inbox()
    assert Case.objects.get(pk=case.pk).state == State.PLANNING
    log_out()

    # The teacher: the reason at the top of the plan form and of the case; unchanged is refused.
    log_in(world.owner.username)
    to_inbox_task()
    assert css("[data-return-reason]").text == REASON
    click(".back a")  # to the case page
    reason = css("[data-return-reason]")
    steps = css("#next-steps")
    assert reason.location["y"] < steps.location["y"]
    click("[data-work-link]")
    click("[data-plan-submit]")
    assert css("[data-form-errors]").text
    assert Case.objects.get(pk=case.pk).state == State.PLANNING
    goals = css('textarea[name="goals"]')
    goals.clear()
    goals.send_keys("期末数学及格，每周二、四由王老师辅导")
    click("[data-plan-submit]")
    css(f'.case-head [data-state="{State.AWAITING_APPROVAL}"]')
    log_out()

    # The principal: what changed, then approve.
    log_in(world.principal.username)
    to_inbox_task()
    assert "每周二、四由王老师辅导" in css('[data-diff-field="goals"] ins').text
    click("[data-approve]")
    at_inbox()
    assert Case.objects.get(pk=case.pk).state == State.INTERVENTION
