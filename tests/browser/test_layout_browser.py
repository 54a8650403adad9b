"""No page scrolls sideways on a 360px phone, for any role of the demo: every main page reached
from the home page through the "more" tab, and the first record of each list. The tab bar marks
where the user is; every form field has a label; buttons and the header's and tab bar's links
are at least 44px tall."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from tests.browser.walk import (
    ROLES,
    log_in,
    menu_keys,
    scroll_width,
    set_viewport,
    small_targets,
    unlabelled_fields,
    wait_css,
    walk,
)

pytestmark = pytest.mark.browser
WIDTH = 360


def test_no_page_scrolls_sideways_at_360px_for_any_role(live_server, browser) -> None:
    call_command("demo", stdout=StringIO())
    driver = browser
    set_viewport(driver, WIDTH, 740, mobile=True)
    too_wide: list[tuple[str, str, int]] = []
    unlabelled: list[tuple[str, str, list[str]]] = []
    small: list[tuple[str, str, list[str]]] = []
    seen = 0
    for username, role in ROLES.items():
        log_in(driver, live_server.url, username)
        for page in walk(driver, phone=True, keys=menu_keys(username)):
            seen += 1
            width = scroll_width(driver)
            if width > WIDTH:
                too_wide.append((role, page.url, width))
            if fields := unlabelled_fields(driver):
                unlabelled.append((role, page.url, fields))
            if targets := small_targets(driver):
                small.append((role, page.url, targets))
            if page.name in ("home", "menu"):
                assert wait_css(driver, '.tabbar a[aria-current="page"]').get_attribute("data-tab") == (
                    "home" if page.name == "home" else "more"
                )
    assert seen > 60  # every role's pages were really walked
    assert too_wide == []
    assert unlabelled == []
    assert small == []
