"""A real browser: the bureau's inspector finds a teacher's step and the principal's approval in
the audit trail, by Chinese names and an action picked from the list, starting from the home page.

Set WANJIA_SCREENSHOTS=<dir> to keep screenshots of the results (desktop and phone width).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.utils import translation

from casework.models import State
from casework.transitions import TRANSITIONS
from tests.browser.support import Page
from tests.builders import approve_plan, open_case, submit_plan

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1366, "height": 900, "deviceScaleFactor": 1, "mobile": False}
NARROW = {"width": 360, "height": 780, "deviceScaleFactor": 2, "mobile": True}


def chinese(text: object) -> str:
    with translation.override("zh-hans"):
        return str(text)


def test_an_inspector_finds_the_approval_by_chinese_names_and_the_action_list(
    world, live_server, browser
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.remote.webdriver import WebDriver
    from selenium.webdriver.remote.webelement import WebElement
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import Select

    world.owner.full_name = "李红梅"
    world.owner.save(update_fields=["full_name"])
    world.principal.full_name = "王淑芬"
    world.principal.save(update_fields=["full_name"])
    case = open_case(world.classroom, by=world.owner, pupil_name="张三")
    submit_plan(case, by=world.owner)
    approve_plan(case, by=world.principal, comment="同意，按计划执行")

    driver: WebDriver = browser
    page = Page(driver)
    wait = page.wait
    shots = os.environ.get("WANJIA_SCREENSHOTS")
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", DESKTOP)

    css, click = page.css, page.click

    def shot(name: str) -> None:
        if shots:
            Path(shots).mkdir(parents=True, exist_ok=True)
            driver.save_screenshot(str(Path(shots) / f"audit-{name}.png"))

    def submit() -> None:
        """Send the filters and wait for the new page."""
        form = css('[data-form="audit-filters"]')
        click('[data-form="audit-filters"] button[type="submit"]')
        wait.until(ec.staleness_of(form))

    def rows() -> list[WebElement]:
        css('[data-form="audit-filters"]')
        return driver.find_elements(By.CSS_SELECTOR, "table.audit-events tbody tr")

    driver.get(f"{live_server.url}/accounts/login/")
    css('input[name="username"]').send_keys(world.inspector.username)
    css('input[name="password"]').send_keys("pw")
    click('form button[type="submit"]')
    # From the home page, by the main menu's link, as a person would.
    click('a[href="/audit/"]')

    # The teacher's own step, found by her Chinese name.
    css('input[name="actor"]').send_keys("李红梅")
    submit()
    found = rows()
    assert found, "no event found by the teacher's Chinese name"
    submitted = [r for r in found if chinese(TRANSITIONS["submit_plan"].label) in r.text]
    assert len(submitted) == 1
    assert chinese(State.AWAITING_APPROVAL.label) in submitted[0].text
    assert all("李红梅" in r.find_element(By.CSS_SELECTOR, "td[data-label]:nth-child(2)").text for r in found)

    # The approval: the principal's Chinese name and 批准 picked from the list of actions.
    actor = css('input[name="actor"]')
    actor.clear()
    actor.send_keys("王淑芬")
    actions = Select(css('select[name="action"]'))
    # 批准 is in several labels (a plan, a payout, a correction); the plan's step is the one.
    (approve,) = [
        o.text for o in actions.options if o.get_attribute("value") == "case.transition:approve_plan"
    ]
    assert "批准" in approve
    actions.select_by_visible_text(approve)
    submit()
    (row,) = rows()
    text = row.text
    assert chinese(TRANSITIONS["approve_plan"].label) in text  # 批准方案
    assert f"#{case.pk}（张三）" in text  # the case by its pupil's name
    summary = row.find_element(By.CSS_SELECTOR, '[data-audit="summary"]').text
    assert f"{chinese(State.AWAITING_APPROVAL.label)} → {chinese(State.INTERVENTION.label)}" in summary
    assert "同意，按计划执行" in summary
    assert "awaiting_approval" not in summary and "{" not in summary  # no codes, no raw JSON
    # The list keeps what was picked.
    assert Select(css('select[name="action"]')).first_selected_option.text == approve
    shot("desktop")

    # The same results fit a narrow phone: nothing scrolls sideways.
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", NARROW)
    driver.refresh()
    rows()
    assert driver.execute_script("return document.documentElement.scrollWidth") <= NARROW["width"]
    shot("phone")
