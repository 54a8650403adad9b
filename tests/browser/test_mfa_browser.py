"""A real browser on a phone: a counsellor, with two-factor sign-in required, logs in, is sent to
set up an authenticator app, "scans" it (the test computes the app's code from the key the page
shows, as the app would), gets the recovery codes, logs out and logs in again with a code.
Set WANJIA_SCREENSHOTS=<dir> to keep a screenshot of each two-factor page."""

from __future__ import annotations

import base64
import os
from pathlib import Path

import pytest
from django.test import override_settings
from django_otp.oath import totp

from audit.models import AuditEvent
from tests.browser.support import PHONE, Page

pytestmark = pytest.mark.browser


def app_code(secret: str, *, drift: int = 0) -> str:
    """The authenticator app's code for the key typed in by hand (``drift`` steps ahead)."""
    return f"{totp(base64.b32decode(secret.replace(' ', '')), drift=drift):06d}"


@override_settings(WANJIA_MFA_REQUIRED=True)
def test_a_counsellor_sets_up_two_factor_sign_in_and_logs_in_with_a_code(world, live_server, browser) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.remote.webdriver import WebDriver
    from selenium.webdriver.support import expected_conditions as ec

    driver: WebDriver = browser
    page = Page(driver)
    wait = page.wait

    css, click = page.css, page.click

    def fits_phone() -> None:
        widths = driver.execute_script("return [document.documentElement.scrollWidth, window.innerWidth]")
        assert widths[0] <= widths[1] == PHONE["width"], f"{driver.current_url} scrolls sideways: {widths}"

    def shot(name: str) -> None:
        if os.environ.get("WANJIA_SCREENSHOTS"):
            Path(os.environ["WANJIA_SCREENSHOTS"]).mkdir(parents=True, exist_ok=True)
            driver.save_screenshot(str(Path(os.environ["WANJIA_SCREENSHOTS"]) / f"mfa-{name}.png"))

    def log_in() -> None:
        driver.get(f"{live_server.url}/accounts/login/")
        css('input[name="username"]').send_keys(world.counsellor.username)
        css('input[name="password"]').send_keys("pw")
        click('form button[type="submit"]')

    # 1. The password: the counsellor must set up a second factor before anything else.
    log_in()
    wait.until(ec.url_contains("/accounts/2fa/enrol/"))
    assert not driver.find_elements(By.CSS_SELECTOR, "nav.mainnav")
    qr = css("[data-mfa-qr] svg")
    assert qr.size["width"] >= 150 and qr.size["width"] <= PHONE["width"]
    fits_phone()
    shot("1-enrol")
    secret = css("[data-mfa-secret]").text  # as the counsellor would type it into the app
    assert len(secret.replace(" ", "")) == 32
    driver.get(f"{live_server.url}/cases/")  # nowhere else to go
    wait.until(ec.url_contains("/accounts/2fa/enrol/"))
    assert css("[data-mfa-secret]").text == secret  # the same key after a reload

    # 2. The app's code confirms it; the recovery codes are shown once.
    css('input[name="otp"]').send_keys(app_code(secret))
    click('form.case-form button[type="submit"]')
    wait.until(ec.url_contains("/accounts/2fa/recovery-codes/"))
    codes = [element.text for element in driver.find_elements(By.CSS_SELECTOR, "[data-recovery-code]")]
    assert len(codes) == 10 and len(set(codes)) == 10
    fits_phone()
    shot("2-recovery-codes")
    click("[data-continue]")  # on to the page asked for before
    wait.until(ec.url_to_be(f"{live_server.url}/cases/"))
    css("nav.mainnav")
    assert AuditEvent.objects.filter(action="mfa.enrol", actor=world.counsellor).count() == 1

    # 3. Log out, and in again: password, then the code the app shows (the one used to set it
    # up cannot be used twice, so the app's next one, which its clock may run ahead to).
    click(".who form button[type='submit']")
    wait.until(ec.url_contains("/accounts/login/"))
    log_in()
    wait.until(ec.url_contains("/accounts/2fa/verify/"))
    assert not driver.find_elements(By.CSS_SELECTOR, "nav.mainnav")
    fits_phone()
    shot("3-verify")
    css('input[name="otp"]').send_keys(app_code(secret, drift=1))
    click('form.case-form button[type="submit"]')
    css('[data-card="cases"]')
    css("nav.mainnav")
    assert driver.current_url == f"{live_server.url}/accounts/home/"
    assert not AuditEvent.objects.filter(action="mfa.code_failed").exists()
