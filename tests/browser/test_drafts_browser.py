"""A real browser on a phone-sized screen: nothing typed is lost (static/js/wanjia.js).

A class teacher, starting from the home page and following links, opens the record of a home
visit, types, attaches a photo in the middle of the form (uploaded in place, with a progress
bar and a thumbnail, shrunk in the browser), reloads with the text unsaved (the browser asks
first, then the draft is offered back and restored), removes the photo (asked first) and saves.
Chromium's console shows no Content-Security-Policy violation on the way.
"""

from __future__ import annotations

import datetime
import io
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from PIL import Image

from attachments.models import Attachment
from attachments.storage import private_storage
from casework.models import HomeVisit, State
from consents.models import Purpose
from drafts.models import Draft
from tests.browser.support import PHONE, Page
from tests.builders import drive_to, give_consent, open_case, schedule_visit

pytestmark = pytest.mark.browser

FAMILY = "父母在外务工，与奶奶同住"
REFLECTION = "孩子很懂事，需要多鼓励"


def violations(driver: Any) -> list[str]:
    """The console's CSP messages since the last call (reading the log empties it)."""
    return [
        entry["message"]
        for entry in driver.get_log("browser")
        if "Content Security Policy" in entry["message"] or "Refused to" in entry["message"]
    ]


def phone_photo(path: Path) -> Path:
    """A photo as a phone takes it: 2400 × 1800 pixels, a few hundred kilobytes."""
    image = Image.effect_noise((2400, 1800), 64).convert("RGB")
    image.save(path, "JPEG", quality=95)
    return path


def test_a_teacher_keeps_what_she_typed_while_attaching_a_photo(
    world, live_server, browser, tmp_path
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.remote.webdriver import WebDriver
    from selenium.webdriver.support import expected_conditions as ec

    driver: WebDriver = browser
    page = Page(driver, timeout=15)
    wait = page.wait
    case = drive_to(open_case(world.classroom, by=world.owner), State.INTERVENTION, leader=world.principal)
    # On the minute: the record's time starts from the appointment's, which the form shows in minutes.
    appointment = (timezone.now() - datetime.timedelta(hours=2)).replace(second=0, microsecond=0)
    visit = schedule_visit(case, by=world.owner, scheduled_for=appointment)
    give_consent(case.pupil, Purpose.HOME_VISIT_PHOTOS, by=world.owner)
    key = f"case-visit-record-{visit.pk}"
    photo = phone_photo(tmp_path / "家访.jpg")

    css, click = page.css, page.click

    def follow(href: str) -> None:
        """Click the first link to ``href`` a person can see (the menu, a card, a button)."""
        wait.until(
            lambda d: any(a.is_displayed() for a in d.find_elements(By.CSS_SELECTOR, f'a[href="{href}"]'))
        )
        link = next(a for a in driver.find_elements(By.CSS_SELECTOR, f'a[href="{href}"]') if a.is_displayed())
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", link)
        link.click()

    def value(selector: str) -> str:
        return css(selector).get_attribute("value") or ""

    def fits_phone() -> None:
        widths = driver.execute_script("return [document.documentElement.scrollWidth, window.innerWidth]")
        assert widths[0] <= widths[1] == PHONE["width"], f"{driver.current_url} scrolls sideways: {widths}"

    def asks_before_leaving() -> bool:
        """Whether the page cancels an unload now, which makes the browser ask the person first."""
        return bool(
            driver.execute_script(
                "const e = new Event('beforeunload', {cancelable: true});"
                "window.dispatchEvent(e); return e.defaultPrevented;"
            )
        )

    def ready() -> None:
        wait.until(lambda d: d.execute_script("return document.documentElement.dataset.js") == "ready")

    # From the home page to the visit's record, by links only.
    driver.get(f"{live_server.url}/accounts/login/")
    css('input[name="username"]').send_keys(world.owner.username)
    css('input[name="password"]').send_keys("pw")
    click('form button[type="submit"]')
    css("main.page")
    follow("/cases/")
    follow(f"/cases/{case.pk}/")
    click('[data-link="visit-record"]')
    record_url = f"{live_server.url}/cases/{case.pk}/visits/{visit.pk}/record/"
    wait.until(ec.url_to_be(record_url))
    ready()
    form = f'form[data-draft="{key}"]'
    css(form)

    # She types part of the record ...
    css(f'{form} textarea[name="family_situation"]').send_keys(FAMILY)
    css(f'{form} textarea[name="reflection"]').send_keys(REFLECTION)

    # ... and attaches a photo in the middle: uploaded in place, the page stays.
    css('form[data-upload] input[type="file"]').send_keys(str(photo))
    click('form[data-upload] button[type="submit"]')
    thumbnail = css("[data-attachments] [data-attachment][data-image] img[data-thumbnail]")
    assert (thumbnail.get_attribute("src") or "").startswith("blob:")
    wait.until(
        lambda d: d.execute_script("return arguments[0].complete && arguments[0].naturalWidth > 0", thumbnail)
    )
    assert css("[data-upload-progress]").get_attribute("value") == "100"
    assert css("[data-upload-status]").is_displayed()
    assert driver.current_url == record_url
    attachment = Attachment.objects.get(visit=visit)
    assert attachment.content_type == "image/jpeg"
    with private_storage.open(attachment.file.name or "", "rb") as stored:
        width, height = Image.open(io.BytesIO(stored.read())).size
    assert max(width, height) == 1600 and attachment.size < photo.stat().st_size  # shrunk in the browser
    # What she typed is still there.
    assert value(f'{form} textarea[name="family_situation"]') == FAMILY
    assert value(f'{form} textarea[name="reflection"]') == REFLECTION
    fits_phone()

    # The draft is kept in the browser and, online, on the server.
    wait.until(lambda d: Draft.objects.filter(user=world.owner, key=key).exists())
    assert Draft.objects.get(key=key).data["reflection"] == [REFLECTION]
    assert driver.execute_script("return Object.keys(localStorage).some(k => k.endsWith(arguments[0]))", key)

    # Leaving with the text unsaved asks first (the page cancels the unload; the browser asks).
    assert asks_before_leaving()
    # Reloading anyway (WebDriver's refresh accepts the browser's question): the draft is offered.
    driver.refresh()
    ready()
    css("[data-draft-banner]")
    assert value(f'{form} textarea[name="reflection"]') == ""
    assert not asks_before_leaving()  # nothing typed on this page yet
    click("[data-draft-restore]")
    css("[data-draft-restored]")
    assert value(f'{form} textarea[name="family_situation"]') == FAMILY
    assert value(f'{form} textarea[name="reflection"]') == REFLECTION
    assert not driver.find_elements(By.CSS_SELECTOR, "[data-draft-banner]")
    assert asks_before_leaving()  # the restored text is not saved yet

    # Removing the photo asks first; cancelled, it stays; confirmed, it goes, in place.
    item = f'[data-attachment="{attachment.pk}"]'
    click(f"{item} [data-remove]")
    css("dialog[data-confirm-dialog][open]")
    click("dialog[data-confirm-dialog] [data-confirm-cancel]")
    wait.until(lambda d: not d.find_elements(By.CSS_SELECTOR, "dialog[data-confirm-dialog]"))
    attachment.refresh_from_db()
    assert not attachment.is_removed and driver.find_elements(By.CSS_SELECTOR, item)
    click(f"{item} [data-remove]")
    click("dialog[data-confirm-dialog][open] [data-confirm-ok]")
    wait.until(lambda d: not d.find_elements(By.CSS_SELECTOR, item))
    attachment.refresh_from_db()
    assert attachment.is_removed
    assert driver.current_url == record_url
    assert value(f'{form} textarea[name="reflection"]') == REFLECTION

    # Saving asks nothing; the record is saved, the drafts are gone.
    click(f'{form} label[for="id_no_gifts_pledge"]')
    driver.execute_script(
        "arguments[0].addEventListener('submit', () => setTimeout(() => {"
        "  const e = new Event('beforeunload', {cancelable: true}); window.dispatchEvent(e);"
        "  sessionStorage.setItem('asked-on-submit', String(e.defaultPrevented)); }));",
        css(form),
    )
    click(f'{form} button[type="submit"]')
    wait.until(ec.url_to_be(f"{live_server.url}/cases/{case.pk}/"))
    visit.refresh_from_db()
    assert visit.stage == HomeVisit.Stage.RECORDED
    assert (visit.family_situation, visit.reflection) == (FAMILY, REFLECTION)
    assert not Draft.objects.filter(user=world.owner).exists()
    assert driver.execute_script("return sessionStorage.getItem('asked-on-submit')") == "false"
    assert not driver.execute_script(
        "return Object.keys(localStorage).some(k => k.endsWith(arguments[0]))", key
    )

    # Opening the record again offers nothing: the draft went with the save.
    click('[data-link="visit-record"]')
    ready()
    css(form)
    assert not driver.find_elements(By.CSS_SELECTOR, "[data-draft-banner]")
    assert value(f'{form} textarea[name="reflection"]') == REFLECTION
    assert violations(driver) == []
