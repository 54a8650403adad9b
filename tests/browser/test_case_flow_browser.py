"""A real browser on a phone-sized screen: a class teacher opens a case and gets the plan approved.

Headless Chromium against pytest-django's live server. Set WANJIA_SCREENSHOTS=<dir> to keep
screenshots of the case page at each step (one file per phone screen).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.utils import translation

from casework.models import State
from tests.browser.support import PHONE, Page
from tests.factories import PupilFactory

pytestmark = pytest.mark.browser


def chinese(state: str) -> str:
    """The state's label as the page shows it in Chinese (the English source until translated)."""
    with translation.override("zh-hans"):
        return str(State(state).label)


def test_a_class_teacher_opens_a_case_and_the_principal_approves_the_plan(
    world, live_server, browser
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.remote.webdriver import WebDriver

    driver: WebDriver = browser
    page = Page(driver)
    shots = os.environ.get("WANJIA_SCREENSHOTS")
    pupil = PupilFactory.create(classroom=world.classroom, name="刘思雨", home_address="铁西区英雄街道12号")

    css, click = page.css, page.click

    def shot(name: str) -> None:
        """Screenshots of the whole page, one phone screen each."""
        if not shots:
            return
        Path(shots).mkdir(parents=True, exist_ok=True)
        height = driver.execute_script("return document.documentElement.scrollHeight")
        for number, top in enumerate(range(0, height, PHONE["height"]), start=1):
            driver.execute_script("window.scrollTo(0, arguments[0]);", top)
            driver.save_screenshot(str(Path(shots) / f"{name}-{number}.png"))

    def assert_state(state: str) -> None:
        badge = css(f'.case-head [data-state="{state}"]')
        assert badge.text == chinese(state)
        assert css('.lifecycle [aria-current="step"]').get_attribute("data-step") == state
        # Nothing sticks out sideways on a phone.
        assert driver.execute_script("return document.documentElement.scrollWidth") <= PHONE["width"]

    def log_in(username: str) -> None:
        driver.get(f"{live_server.url}/accounts/login/")
        css('input[name="username"]').send_keys(username)
        css('input[name="password"]').send_keys("pw")
        click('form button[type="submit"]')
        css('[data-card="cases"]')

    log_in(world.owner.username)
    assert css("html").get_attribute("lang") == "zh-hans"
    driver.get(f"{live_server.url}/schools/pupils/")
    click(f'a[href="/schools/pupils/{pupil.pk}/"]')
    click('[data-link="case-open"]')

    click('input[name="categories"][value="academic"]')
    click('input[name="categories"][value="special_group"]')
    css('textarea[name="summary"]').send_keys("父母在外务工，数学成绩下滑")
    click('input[name="risk_level"][value="high"]')
    shot("0-case-open-form")
    click('.case-form button[type="submit"]')
    assert_state(State.IDENTIFIED)
    case_url = driver.current_url

    click('[data-transition="draft_plan"]')
    assert_state(State.PLANNING)
    click('[data-link="plan"]')
    css('textarea[name="goals"]').send_keys("期末数学及格")
    css('textarea[name="measures"]').send_keys("每周二、四课后一对一辅导")
    shot("0-plan-form")
    click("[data-plan-save]")
    assert_state(State.PLANNING)
    click('[data-transition="submit_plan"]')
    assert_state(State.AWAITING_APPROVAL)
    shot("1-teacher-awaiting-approval")

    click('.who button[type="submit"]')  # log out
    css('input[name="username"]')
    log_in(world.principal.username)
    driver.get(case_url)
    assert_state(State.AWAITING_APPROVAL)
    buttons = [
        b.get_attribute("data-transition") for b in driver.find_elements(By.CSS_SELECTOR, "[data-transition]")
    ]
    assert buttons == ["approve_plan", "return_plan"]
    shot("2-principal-awaiting-approval")
    click('[data-transition="approve_plan"]')
    assert_state(State.INTERVENTION)
    assert "期末数学及格" in driver.page_source
    shot("3-principal-intervention")
    if shots:
        driver.get(f"{live_server.url}/cases/")
        css("table.cases")
        shot("4-principal-case-list")
