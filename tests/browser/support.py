"""Headless Chromium on a phone-sized screen, for the browser tests (marker ``browser``)."""

from pathlib import Path
from typing import Any

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
PHONE = {"width": 390, "height": 844}


class Page:
    """The small moves of every browser test: find an element, click it (scrolled into view),
    sign in through the login page, check that nothing scrolls sideways."""

    def __init__(self, driver: Any, timeout: float = 10) -> None:
        from selenium.webdriver.support.ui import WebDriverWait

        self.driver = driver
        self.wait = WebDriverWait(driver, timeout)

    def css(self, selector: str) -> Any:
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support import expected_conditions as ec

        return self.wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, selector)))

    def click(self, selector: str) -> None:
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support import expected_conditions as ec

        element = self.wait.until(ec.element_to_be_clickable((By.CSS_SELECTOR, selector)))
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
        element.click()

    def sign_in(self, base_url: str, username: str, password: str = "pw") -> None:  # noqa: S107 - test users' password
        """A fresh session: the login page, the name and password, the button."""
        self.driver.delete_all_cookies()
        self.driver.get(f"{base_url}/accounts/login/")
        self.css('input[name="username"]').send_keys(username)
        self.css('input[name="password"]').send_keys(password)
        self.click('form button[type="submit"]')

    def fits(self, width: int = PHONE["width"]) -> None:
        assert self.driver.execute_script("return document.documentElement.scrollWidth") <= width
