"""The working day of issue 13's "Done when", in a real browser, in Chinese, at phone width
(390 × 844) and at desktop width (1366 × 900), following links only from the home page:

1. the class teacher 李红梅 opens her pupil's case from her home page, writes and submits a plan;
2. the principal 王淑芬 sees the unread badge, opens the notification and approves the plan;
3. the teacher is told it was approved; the task leads her to the appointment form (with whom
   and how); the task then offers "start the home visit" and the next task the record, where a
   photo is uploaded in the middle of the form (what she typed survives, the pupil's guardians
   consented to photos beforehand); she completes the visit and routes the parents' opinion;
4. the principal is told of the opinion and answers it;
5. the inspector finds the teacher's plan submission in the audit browser by her Chinese name.

Each user signs out with the header's log-out button. No page scrolls sideways; the console
shows no Content-Security-Policy violation.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone, translation
from PIL import Image

from attachments.models import Attachment
from casework.models import Case, HomeVisit, State
from casework.transitions import TRANSITIONS
from consents.models import Purpose
from core.forms import LOCAL_DATETIME_FORMAT
from opinions.models import ParentOpinion
from tests.builders import give_consent, open_case
from tests.factories import GuardianFactory
from workflows.models import Notification, NotificationKind

pytestmark = pytest.mark.browser

SIZES = {
    "phone": {"width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": True},
    "desktop": {"width": 1366, "height": 900, "deviceScaleFactor": 1, "mobile": False},
}
GOALS = "期末数学及格，按时完成作业"
MEASURES = "每周二、四课后一对一辅导"
FAMILY = "父母在外务工，与奶奶同住"
OPINIONS = "希望学校多组织课后辅导"
ANSWER = "学校已安排每周两次课后辅导"


def chinese(text: object) -> str:
    with translation.override("zh-hans"):
        return str(text)


def violations(driver: Any) -> list[str]:
    """The console's CSP messages since the last call (reading the log empties it)."""
    return [
        entry["message"]
        for entry in driver.get_log("browser")
        if "Content Security Policy" in entry["message"] or "Refused to" in entry["message"]
    ]


@pytest.mark.parametrize("size", SIZES)
def test_the_day_walked_by_teacher_principal_and_inspector(
    size: str, world, live_server, browser, tmp_path: Path
) -> None:
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.remote.webdriver import WebDriver
    from selenium.webdriver.remote.webelement import WebElement
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import Select, WebDriverWait

    phone = size == "phone"
    screen = SIZES[size]
    driver: WebDriver = browser
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", screen)
    wait = WebDriverWait(driver, 10)

    teacher, principal = world.owner, world.principal
    teacher.full_name = "李红梅"
    teacher.save(update_fields=["full_name"])
    principal.full_name = "王淑芬"
    principal.save(update_fields=["full_name"])
    case = open_case(world.classroom, by=teacher, pupil_name="张三")
    grandmother = GuardianFactory.create(pupil=case.pupil, name="张奶奶")
    # The guardians' consent to photos of the visit, recorded beforehand (consents.services).
    give_consent(case.pupil, Purpose.HOME_VISIT_PHOTOS, by=teacher, guardian_name="张奶奶")
    appointment = (timezone.localtime() - datetime.timedelta(hours=2)).replace(second=0, microsecond=0)
    photo = tmp_path / "家访.jpg"
    Image.effect_noise((1200, 900), 64).convert("RGB").save(photo, "JPEG", quality=90)

    def css(selector: str) -> WebElement:
        return wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, selector)))

    def fits() -> None:
        """No sideways scrolling, and nothing is still complaining about the CSP."""
        widths = driver.execute_script("return [document.documentElement.scrollWidth, window.innerWidth]")
        assert widths[0] <= widths[1] == screen["width"], f"{driver.current_url} scrolls sideways: {widths}"
        assert violations(driver) == [], driver.current_url

    def go(selector: str) -> None:
        """Click the first visible element matching ``selector`` and wait for the next page."""
        wait.until(lambda d: any(e.is_displayed() for e in d.find_elements(By.CSS_SELECTOR, selector)))
        element = next(e for e in driver.find_elements(By.CSS_SELECTOR, selector) if e.is_displayed())
        driver.execute_script("window.walkedFrom = true;")  # gone once the next page is shown
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
        wait.until(ec.element_to_be_clickable(element))
        element.click()
        wait.until(next_page)
        css("footer.footer")
        fits()

    def next_page(driver: WebDriver) -> bool:
        """A new document, fully loaded. (Chromium may answer a script run mid-navigation, or
        a look at an element of the old page, with an error: then it is not there yet.)"""
        try:
            return bool(
                driver.execute_script("return !window.walkedFrom && document.readyState === 'complete'")
            )
        except WebDriverException:
            return False

    def press(selector: str) -> None:
        """Click something that keeps the page (an in-place upload, a checkbox's label)."""
        element = css(selector)
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
        wait.until(ec.element_to_be_clickable(element))
        element.click()

    def sign_in(username: str) -> None:
        driver.delete_all_cookies()
        driver.get(f"{live_server.url}/accounts/login/")  # the one address typed
        css('input[name="username"]').send_keys(username)
        css('input[name="password"]').send_keys("pw")
        go('form button[type="submit"]')
        css('.tabbar a[data-tab="home"][aria-current="page"]')  # the home page
        assert css("html").get_attribute("lang") == "zh-hans"

    def sign_out() -> None:
        go('.who form button[type="submit"]')
        css('input[name="username"]')

    def badge() -> WebElement:
        """The unread notifications' count a person sees: the tab bar's on a phone, the menu's on a desk."""
        selector = '.tabbar a[data-tab="notifications"] .tab-badge' if phone else "nav.mainnav [data-unread]"
        element = css(selector)
        assert element.is_displayed()
        return element

    def open_notification(kind: str, user: Any) -> None:
        """The unread badge → the notifications → this one's "open" button."""
        assert badge().text == "1"
        go(
            '.tabbar a[data-tab="notifications"]'
            if phone
            else 'nav.mainnav a[href="/workflows/notifications/"]'
        )
        note = Notification.objects.get(user=user, kind=kind)
        css(f'[data-notification="{note.pk}"][data-kind="{kind}"]')
        go(f'button[data-open="{note.pk}"]')
        note.refresh_from_db()
        assert note.read_at is not None

    def set_value(selector: str, value: str) -> None:
        driver.execute_script(
            "arguments[0].value = arguments[1];"
            "arguments[0].dispatchEvent(new Event('input', {bubbles: true}));"
            "arguments[0].dispatchEvent(new Event('change', {bubbles: true}));",
            css(selector),
            value,
        )

    # 1. The teacher: home → her pair → the case's next step → the plan, submitted.
    sign_in(teacher.username)
    go(f'[data-section="pairs"] a[href="/cases/{case.pk}/"]')
    go("[data-work-link]")
    css('textarea[name="goals"]').send_keys(GOALS)
    css('textarea[name="measures"]').send_keys(MEASURES)
    fits()
    go("[data-plan-submit]")
    assert Case.objects.get(pk=case.pk).state == State.AWAITING_APPROVAL
    sign_out()

    # 2. The principal: the badge → the notification → the approval page, which shows the plan.
    sign_in(principal.username)
    open_notification(NotificationKind.PLAN_SUBMITTED, principal)
    assert css("h1[data-kind]").get_attribute("data-kind") == "approve_plan"  # the task
    assert not driver.find_elements(By.CSS_SELECTOR, "[data-claim]")  # she is the only leader
    go("[data-work-link]")  # from the task to where it is done: the approval page
    assert css('[data-field="goals"]').text == GOALS
    go("[data-approve]")
    assert Case.objects.get(pk=case.pk).state == State.INTERVENTION
    sign_out()

    # 3. The teacher is told; the task it opens leads to the appointment form (who and how).
    # Her task then starts the visit and leads to the record, where she uploads a photo.
    sign_in(teacher.username)
    open_notification(NotificationKind.PLAN_APPROVED, teacher)
    assert css("h1[data-kind]").get_attribute("data-kind") == "schedule_visit"
    go("[data-work-link]")
    set_value('input[name="scheduled_for"]', appointment.strftime(LOCAL_DATETIME_FORMAT))
    Select(css('select[name="method"]')).select_by_value(HomeVisit.Method.PHONE)
    Select(css('select[name="guardian"]')).select_by_value(str(grandmother.pk))
    fits()
    go('.case-form button[type="submit"]')
    visit = HomeVisit.objects.get(case=case)
    assert (visit.scheduled_for, visit.appointment_method) == (appointment, HomeVisit.Method.PHONE)
    assert visit.appointment_with == "张奶奶"
    # Home → the task: the appointment is made, so its step is "start the home visit", a button.
    go(".topbar .brand")
    go('[data-section="tasks"] li[data-row="task"] a')
    assert css("h1[data-kind]").get_attribute("data-kind") == "schedule_visit"
    assert not driver.find_elements(By.CSS_SELECTOR, "[data-work-link]")  # not the form again
    go('[data-transition="schedule_home_visit"]')
    assert css("h1[data-kind]").get_attribute("data-kind") == "record_visit"  # the next task
    go("[data-work-link]")  # to the record form
    wait.until(lambda d: d.execute_script("return document.documentElement.dataset.js") == "ready")
    form = 'form[data-draft] textarea[name="family_situation"]'
    css(form).send_keys(FAMILY)
    css('form[data-draft] textarea[name="parents_opinions"]').send_keys(OPINIONS)
    record_url = driver.current_url
    # The photo, in the middle of the form: uploaded in place, the page stays, the text too.
    css('form[data-upload] input[type="file"]').send_keys(str(photo))
    press('form[data-upload] button[type="submit"]')
    css("[data-attachments] [data-attachment][data-image] img[data-thumbnail]")
    assert driver.current_url == record_url
    assert Attachment.objects.filter(visit=visit).count() == 1
    assert css(form).get_attribute("value") == FAMILY
    assert css('form[data-draft] textarea[name="parents_opinions"]').get_attribute("value") == OPINIONS
    fits()
    press('form[data-draft] label[for="id_no_gifts_pledge"]')
    go('form[data-draft] button[type="submit"]')
    assert driver.current_url == f"{live_server.url}/cases/{case.pk}/"
    visit.refresh_from_db()
    assert visit.stage == HomeVisit.Stage.RECORDED
    assert (visit.family_situation, visit.parents_opinions) == (FAMILY, OPINIONS)
    go('[data-transition="complete_home_visit"]')  # the case page's next step
    assert Case.objects.get(pk=case.pk).state == State.REVIEW
    # The parents' opinion, routed to the school from the visit's page.
    go(f'[data-link="visit-detail"][href="/visits/{visit.pk}/"]')
    go(f'a[href="/opinions/new/?visit={visit.pk}"]')
    assert css('textarea[name="text"]').get_attribute("value") == OPINIONS
    go('form[data-draft] button[type="submit"]')
    opinion = ParentOpinion.objects.get(visit=visit)
    assert driver.current_url == f"{live_server.url}/opinions/{opinion.pk}/"
    sign_out()

    # 4. The principal is told of the opinion and answers it.
    sign_in(principal.username)
    open_notification(NotificationKind.OPINION_RECEIVED, principal)
    assert css(f'header[data-opinion="{opinion.pk}"]')
    assert OPINIONS in css("main").text
    css('textarea[name="answer"]').send_keys(ANSWER)
    set_value('input[name="answered_to_parents_on"]', timezone.localdate().isoformat())
    go('button[data-action="complete"]')
    opinion.refresh_from_db()
    assert (opinion.state, opinion.answer) == (ParentOpinion.State.DONE, ANSWER)
    assert ANSWER in css("[data-answer]").text
    # The teacher who routed it hears that it was answered.
    assert Notification.objects.filter(user=teacher, kind=NotificationKind.OPINION_ANSWERED).count() == 1
    sign_out()

    # 5. The inspector finds the plan's submission in the audit browser by 李红梅.
    sign_in(world.inspector.username)
    if phone:
        go('.tabbar a[data-tab="more"]')
        go('nav.menu-page a[href="/audit/"]')
    else:
        go('nav.mainnav a[href="/audit/"]')
    css('input[name="actor"]').send_keys("李红梅")
    go('[data-form="audit-filters"] button[type="submit"]')
    rows = driver.find_elements(By.CSS_SELECTOR, "table.audit-events tbody tr")
    submitted = [r for r in rows if chinese(TRANSITIONS["submit_plan"].label) in r.text]
    assert len(submitted) == 1
    assert "李红梅" in submitted[0].text
    assert chinese(State.AWAITING_APPROVAL.label) in submitted[0].text
    sign_out()
