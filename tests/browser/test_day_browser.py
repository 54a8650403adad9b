"""A real browser on a phone-sized screen: a class teacher's day on the home page, by links only.

From the home page, the teacher plans a visit for a pupil of their class not yet visited this
campaign, and opens the menu's 学生 (Pupils): their own class first, the whole school one tap away.
"""

from __future__ import annotations

import pytest
from django.utils import timezone

from casework.models import HomeVisit
from schools.models import Campaign
from tests.browser.support import PHONE, Page
from tests.factories import ClassroomFactory, PupilFactory

pytestmark = pytest.mark.browser


def test_a_class_teacher_plans_a_visit_from_the_day_and_opens_their_class(
    world, live_server, browser
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.remote.webdriver import WebDriver
    from selenium.webdriver.support import expected_conditions as ec

    driver: WebDriver = browser
    page = Page(driver)
    wait = page.wait
    today = timezone.localdate()
    Campaign.objects.create(
        bureau=world.school.bureau,
        year=today.year,
        name=f"{today.year}年万师进万家活动",
        starts_on=today.replace(month=1, day=1),
        ends_on=today.replace(month=12, day=31),
    )
    pupil = PupilFactory.create(classroom=world.classroom, name="刘思雨")
    other_class = ClassroomFactory.create(
        school=world.school, grade=5, number=3, class_teacher=world.colleague
    )
    PupilFactory.create(classroom=other_class, name="赵别班")

    css, click = page.css, page.click

    def fits_phone() -> None:
        widths = driver.execute_script("return [document.documentElement.scrollWidth, window.innerWidth]")
        assert widths[0] <= widths[1] == PHONE["width"], f"{driver.current_url} scrolls sideways: {widths}"

    driver.get(f"{live_server.url}/accounts/login/")
    css('input[name="username"]').send_keys(world.owner.username)
    css('input[name="password"]').send_keys("pw")
    click('form button[type="submit"]')

    section = css('[data-section="not-visited"]')
    assert "刘思雨" in section.text and "赵别班" not in driver.page_source
    fits_phone()
    click('[data-section="not-visited"] [data-link="visit-plan"]')
    wait.until(ec.url_contains(f"/visits/new/?pupil={pupil.pk}"))
    click('.case-form button[type="submit"]')
    wait.until(ec.url_matches(r"/visits/\d+/$"))
    assert HomeVisit.objects.filter(pupil=pupil).exists()

    click('nav.tabbar a[data-tab="more"]')  # on a phone the whole menu is behind 更多
    click('.menu-page a[href="/schools/pupils/"]')  # the menu's 学生
    css('[data-part="my-classes"]')
    names = {a.text for a in driver.find_elements(By.CSS_SELECTOR, "table.stack tbody td:first-child a")}
    assert names == {"刘思雨"}
    fits_phone()
    click('[data-link="every-pupil"]')
    css('[data-link="my-classes"]')
    names = {a.text for a in driver.find_elements(By.CSS_SELECTOR, "table.stack tbody td:first-child a")}
    assert names == {"刘思雨", "赵别班"}
