"""``make screenshots``: every main page of each demo role, at phone and desktop width, into
docs/screenshots/<role>-<page>-<phone|desktop>.png. Regenerated from the demo, never drawn by
hand. Runs only when WANJIA_SCREENSHOTS_DIR names the folder (the Makefile sets it): not part
of ``make test``."""

from __future__ import annotations

import os
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.browser.walk import ROLES, log_in, menu_keys, set_viewport, walk

pytestmark = [pytest.mark.browser, pytest.mark.screenshots]
SIZES = {"phone": (390, 844, True), "desktop": (1366, 900, False)}


def test_screenshots_of_every_main_page(live_server, browser) -> None:
    folder = os.environ.get("WANJIA_SCREENSHOTS_DIR")
    if not folder:
        pytest.skip("set WANJIA_SCREENSHOTS_DIR (make screenshots)")
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.png"):
        old.unlink()
    call_command("demo", stdout=StringIO())
    driver = browser
    taken = 0
    for size, (width, height, mobile) in SIZES.items():
        set_viewport(driver, width, height, mobile=mobile)
        for username, role in ROLES.items():
            log_in(driver, live_server.url, username)
            for page in walk(driver, phone=mobile, keys=menu_keys(username)):
                driver.execute_script("window.scrollTo(0, 0);")
                driver.save_screenshot(str(out / f"{role}-{page.name}-{size}.png"))
                taken += 1
    assert taken > 100
