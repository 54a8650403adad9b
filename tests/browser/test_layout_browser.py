"""No page scrolls sideways on a 360px phone, for any role of the demo: every main page reached
from the home page through the "more" tab, and the first record of each list. The tab bar marks
where the user is."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from tests.browser.walk import ROLES, log_in, menu_keys, scroll_width, set_viewport, wait_css, walk

pytestmark = pytest.mark.browser
WIDTH = 360


def test_no_page_scrolls_sideways_at_360px_for_any_role(live_server, browser) -> None:
    call_command("demo", stdout=StringIO())
    driver = browser
    set_viewport(driver, WIDTH, 740, mobile=True)
    too_wide: list[tuple[str, str, int]] = []
    seen = 0
    for username, role in ROLES.items():
        log_in(driver, live_server.url, username)
        for page in walk(driver, phone=True, keys=menu_keys(username)):
            seen += 1
            width = scroll_width(driver)
            if width > WIDTH:
                too_wide.append((role, page.url, width))
            if page.name in ("home", "menu"):
                assert wait_css(driver, '.tabbar a[aria-current="page"]').get_attribute("data-tab") == (
                    "home" if page.name == "home" else "more"
                )
    assert seen > 60  # every role's pages were really walked
    assert too_wide == []
