"""A real browser on a phone-sized screen: a class teacher's home visit (家访) from plan to follow-up.

Headless Chromium against pytest-django's live server, the pages under /visits/ as the teacher
uses them on their phone. Set WANJIA_SCREENSHOTS=<dir> to keep screenshots of each visit page
(one file per phone screen).
"""

from __future__ import annotations

import datetime
import os
from pathlib import Path

import pytest
from django.utils import timezone, translation

from audit.models import AuditEvent
from casework.models import HomeVisit, VisitKind
from core.forms import LOCAL_DATETIME_FORMAT
from tests.browser.support import PHONE, Page
from tests.factories import GuardianFactory, PupilFactory

pytestmark = pytest.mark.browser


def chinese(label: object) -> str:
    """A choice's label as the page shows it in Chinese (the English source until translated)."""
    with translation.override("zh-hans"):
        return str(label)


def test_a_class_teacher_plans_appoints_records_and_follows_up_a_home_visit(
    world, live_server, browser
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.remote.webdriver import WebDriver
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import Select

    driver: WebDriver = browser
    page = Page(driver)
    wait = page.wait
    shots = os.environ.get("WANJIA_SCREENSHOTS")
    pupil = PupilFactory.create(classroom=world.classroom, name="刘思雨", home_address="铁西区英雄街道12号")
    mother = GuardianFactory.create(pupil=pupil, name="王秀兰")
    # Written up the evening after: an appointment in the past may be recorded.
    yesterday = timezone.localtime() - datetime.timedelta(days=1)
    appointment = yesterday.replace(hour=19, minute=0, second=0, microsecond=0)

    css, click = page.css, page.click

    def submit() -> None:
        click('.case-form button[type="submit"]')

    def shot(name: str) -> None:
        """Screenshots of the whole page, one phone screen each."""
        if not shots:
            return
        Path(shots).mkdir(parents=True, exist_ok=True)
        height = driver.execute_script("return document.documentElement.scrollHeight")
        for number, top in enumerate(range(0, height, PHONE["height"]), start=1):
            driver.execute_script("window.scrollTo(0, arguments[0]);", top)
            driver.save_screenshot(str(Path(shots) / f"{name}-{number}.png"))

    def fits_phone() -> None:
        """Nothing sticks out sideways: no horizontal scrolling at phone width."""
        widths = driver.execute_script("return [document.documentElement.scrollWidth, window.innerWidth]")
        # Chrome's mobile mode widens the window to fit content that sticks out: check both.
        assert widths[0] <= widths[1] == PHONE["width"], f"{driver.current_url} scrolls sideways: {widths}"

    def on_visit_page(visit: HomeVisit) -> None:
        """The visit's own page, at the visit's stage, with nothing sticking out sideways."""
        wait.until(ec.url_to_be(f"{live_server.url}/visits/{visit.pk}/"))
        visit.refresh_from_db()
        badge = css(f'h1 + p.muted .state[data-stage="{visit.stage}"]')
        assert badge.text == chinese(HomeVisit.Stage(visit.stage).label)
        fits_phone()

    driver.get(f"{live_server.url}/accounts/login/")
    css('input[name="username"]').send_keys(world.owner.username)
    css('input[name="password"]').send_keys("pw")
    click('form button[type="submit"]')
    css('[data-card="cases"]')

    # 1. Plan a visit (包人) from the pupil's page: no case, the teacher goes themselves.
    driver.get(f"{live_server.url}/schools/pupils/{pupil.pk}/")
    click('[data-link="visit-create"]')
    assert driver.current_url == f"{live_server.url}/visits/new/?pupil={pupil.pk}"
    click(f'input[name="kind"][value="{VisitKind.TARGETED}"]')
    submit()
    wait.until(ec.url_matches(r"/visits/\d+/$"))
    visit = HomeVisit.objects.get(pupil=pupil)
    assert (visit.kind, visit.case_id, visit.follow_up_of_id) == (VisitKind.TARGETED, None, None)
    assert list(visit.participants.all()) == [world.owner]
    on_visit_page(visit)
    assert not driver.find_elements(By.CSS_SELECTOR, "#next")  # nothing to follow up yet

    # 2. The appointment agreed with the mother in person, for yesterday evening.
    click('[data-link="appointment"]')
    driver.execute_script(
        "arguments[0].value = arguments[1];"
        "arguments[0].dispatchEvent(new Event('input', {bubbles: true}));"
        "arguments[0].dispatchEvent(new Event('change', {bubbles: true}));",
        css('input[name="scheduled_for"]'),
        appointment.strftime(LOCAL_DATETIME_FORMAT),
    )
    Select(css('select[name="method"]')).select_by_value(HomeVisit.Method.IN_PERSON)
    Select(css('select[name="guardian"]')).select_by_value(str(mother.pk))
    css('input[name="note"]').send_keys("放学后到家里")
    fits_phone()
    shot("0-appointment-form")
    submit()
    on_visit_page(visit)
    assert visit.stage == HomeVisit.Stage.APPOINTED
    assert (visit.scheduled_for, visit.appointment_method) == (appointment, HomeVisit.Method.IN_PERSON)
    assert (visit.appointment_guardian_id, visit.appointment_with) == (mother.pk, "王秀兰")
    assert visit.appointment_agreed_at is not None and visit.appointment_agreed_at <= appointment
    shown = css("#appointment time").get_attribute("datetime")
    assert datetime.datetime.fromisoformat(shown or "") == appointment
    assert "王秀兰" in css("#appointment").text

    # 3. The record without the integrity pledge (清廉家访) is refused; nothing is recorded.
    click('[data-link="record"]')
    # The appointment's time is offered as the visit's time.
    visited = css('input[name="visited_at"]').get_attribute("value")
    assert visited == appointment.strftime(LOCAL_DATETIME_FORMAT)
    css('textarea[name="family_situation"]').send_keys("父母在外务工，与奶奶同住")
    css('textarea[name="reflection"]').send_keys("孩子很懂事，需要多鼓励")
    pledge = css('input[name="no_gifts_pledge"]')
    assert not pledge.is_selected()
    submit()
    css("[data-form-errors]")
    css('[data-field="no_gifts_pledge"].has-error .errorlist')
    fits_phone()
    shot("1-record-without-pledge")
    visit.refresh_from_db()
    assert visit.visited_at is None and not visit.no_gifts_pledge and visit.reflection == ""
    assert not AuditEvent.objects.filter(action="visit.record", target_id=str(visit.pk)).exists()
    # What was typed is still there.
    assert css('textarea[name="reflection"]').get_attribute("value") == "孩子很懂事，需要多鼓励"

    # 4. With the pledge the record is saved; the page offers a follow-up visit and a case.
    click('label[for="id_no_gifts_pledge"]')
    assert css('input[name="no_gifts_pledge"]').is_selected()
    submit()
    on_visit_page(visit)
    assert visit.stage == HomeVisit.Stage.RECORDED
    assert (visit.visited_at, visit.no_gifts_pledge) == (appointment, True)
    assert (visit.reflection, visit.recorded_by_id) == ("孩子很懂事，需要多鼓励", world.owner.pk)
    assert AuditEvent.objects.filter(action="visit.record", target_id=str(visit.pk)).count() == 1
    assert len(driver.find_elements(By.CSS_SELECTOR, "#record .tag.ok")) == 2  # recorded, pledge
    assert "孩子很懂事，需要多鼓励" in css("#record dl.record").text
    css('#next [data-link="follow-up"]')
    css('#next [data-link="open-case"]')
    assert not driver.find_elements(By.CSS_SELECTOR, '[data-link="appointment"]')
    shot("2-recorded")

    # 5. A follow-up visit, planned from the record: the teacher lands on its page.
    click('#next [data-link="follow-up"]')
    css(f'[data-visit-head="{visit.pk}"]')
    fits_phone()
    submit()
    wait.until(ec.url_matches(rf"/visits/(?!{visit.pk}/)\d+/$"))
    follow_up = HomeVisit.objects.get(follow_up_of=visit)
    assert (follow_up.kind, follow_up.pupil_id, follow_up.case_id) == (VisitKind.FOLLOW_UP, pupil.pk, None)
    assert list(follow_up.participants.all()) == [world.owner]
    on_visit_page(follow_up)
    assert follow_up.stage == HomeVisit.Stage.PLANNED
    assert chinese(VisitKind.FOLLOW_UP.label) in css("h1 + p.muted").text
    css(f'h1 + p.muted a[href="/visits/{visit.pk}/"]')  # back to the visit it follows up
    css('[data-link="appointment"]')
    shot("3-follow-up")
    driver.get(f"{live_server.url}/visits/{visit.pk}/")
    css(f'#next a[data-follow-up="{follow_up.pk}"]')
