"""The ``browser`` fixture: Debian's headless Chromium emulating a phone; skipped without it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.browser.support import CHROMEDRIVER, CHROMIUM, PHONE


@pytest.fixture
def browser() -> Iterator[object]:
    if not CHROMIUM.exists() or not CHROMEDRIVER.exists():
        pytest.skip(f"needs headless Chromium: {CHROMIUM} and {CHROMEDRIVER}")
    pytest.importorskip("selenium", reason="needs selenium (requirements-dev.txt)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--window-size={PHONE['width']},{PHONE['height']}",
        "--lang=zh-CN",
    ):
        options.add_argument(argument)
    options.add_experimental_option("prefs", {"intl.accept_languages": "zh-CN,zh"})
    # The console, for tests that look for Content-Security-Policy violations.
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    # Headless windows have a minimum width; emulate the phone's viewport exactly.
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride", {**PHONE, "deviceScaleFactor": 2, "mobile": True}
    )
    driver.set_page_load_timeout(15)
    try:
        yield driver
    finally:
        driver.quit()
