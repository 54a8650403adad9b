"""The Content-Security-Policy in a real browser: the Django admin and the API docs (Swagger UI)
work under it, and Chromium reports no violation on them or on our own pages.

Chromium writes every blocked script, style or image to the console ("Refused to ... because it
violates the following Content Security Policy directive"); the test reads the console.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.factories import UserFactory

pytestmark = pytest.mark.browser


def violations(driver: Any) -> list[str]:
    """The console's CSP messages since the last call (reading the log empties it)."""
    return [
        entry["message"]
        for entry in driver.get_log("browser")
        if "Content Security Policy" in entry["message"] or "Refused to" in entry["message"]
    ]


def test_the_admin_the_api_docs_and_our_pages_run_under_the_policy(world, live_server, browser) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    driver = browser
    wait = WebDriverWait(driver, 15)

    def css(selector: str) -> Any:
        return wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, selector)))

    admin = UserFactory.create(username="root", is_staff=True, is_superuser=True)
    admin.set_password("pw")
    admin.save()
    driver.get(f"{live_server.url}/admin/login/")
    css('input[name="username"]').send_keys("root")
    css('input[name="password"]').send_keys("pw")
    css('input[type="submit"]').click()
    css("#content-main")
    assert violations(driver) == []

    # The admin: a list with its actions and filters, a change form with inlines and the
    # two-box selector (admin/js/SelectFilter2.js), the user's form with its password widget.
    for path, ready in (
        ("/admin/schools/school/", "#changelist"),
        ("/admin/schools/school/add/", "#school_form"),
        (f"/admin/accounts/user/{admin.pk}/change/", "#user_form"),
        ("/admin/accounts/user/add/", "#user_form"),
    ):
        driver.get(f"{live_server.url}{path}")
        css(ready)
        assert violations(driver) == [], path
    # The admin's own scripts ran: the action bar's counter and the two-box selector are built by them.
    driver.get(f"{live_server.url}/admin/schools/school/")
    css(".action-counter")
    driver.get(f"{live_server.url}/admin/accounts/user/{admin.pk}/change/")
    css(".selector-available")
    assert violations(driver) == []

    # The API docs: Swagger UI starts (from its second request), loads the schema, lists operations.
    driver.get(f"{live_server.url}/api/v1/docs/")
    css(".opblock")
    assert violations(driver) == []

    # Our own pages, for good measure.
    for path in ("/accounts/home/", "/cases/", "/schools/pupils/"):
        driver.get(f"{live_server.url}{path}")
        css("main.page")
        assert violations(driver) == [], path
