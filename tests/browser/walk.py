"""Walking the demo as each role does, following links only: sign in on the login page, then
reach every main page from the home page through the menu (the phone's "more" tab, or the
desktop's header nav), and one record from each list. Used by the 360px check
(test_layout_browser.py) and by ``make screenshots`` (test_screenshots.py)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

DEMO_PASSWORD = "wanjia-demo"
# username → the file name's role part
ROLES = {
    "teacher_a1": "teacher",
    "principal_a": "principal",
    "counsellor_a": "counsellor",
    "admin_a": "admin",
    "custodian_a": "custodian",
    "inspector": "inspector",
}
# The first link to a record inside a list page's main table or cards.
RECORD_LINK = (
    "main table tbody a[href], main .card ul.plain a[href], "
    'main a[href^="/reports/schools/"], main a[href^="/reports/city/"]'
)
# Links that answer with a file, not a page.
FILES = ("/attachments/", "export", "pdf", "download", ".csv", ".xlsx")


@dataclass(frozen=True)
class Page:
    name: str  # "home", "menu", a menu entry's key, or "<key>-record"
    url: str


def set_viewport(driver: Any, width: int, height: int, *, mobile: bool) -> None:
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile},
    )


def wait_css(driver: Any, selector: str) -> Any:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, 10).until(ec.presence_of_element_located((By.CSS_SELECTOR, selector)))


def click(driver: Any, selector: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    element = WebDriverWait(driver, 10).until(ec.element_to_be_clickable((By.CSS_SELECTOR, selector)))
    follow(driver, element)


def follow(driver: Any, element: Any) -> None:
    """Click a link or a submit button and wait for the next page."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    page = driver.find_element(By.TAG_NAME, "html")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
    element.click()
    WebDriverWait(driver, 10).until(ec.staleness_of(page))
    wait_css(driver, "footer.footer")


def log_in(driver: Any, base: str, username: str) -> None:
    driver.delete_all_cookies()
    driver.get(f"{base}/accounts/login/")  # the one address typed: the rest is followed
    wait_css(driver, 'input[name="username"]').send_keys(username)
    wait_css(driver, 'input[name="password"]').send_keys(DEMO_PASSWORD)
    click(driver, 'form button[type="submit"]')
    wait_css(driver, "nav.mainnav")


def _menu_entries(driver: Any, *, phone: bool, keys: dict[str, str]) -> list[tuple[str, str]]:
    """(key, href) of every main menu entry, read from the "more" page (phone) or the header;
    ``keys`` names the header's links by their path (its links carry no key of their own)."""
    from selenium.webdriver.common.by import By

    if phone:
        click(driver, '.tabbar a[data-tab="more"]')
        links = driver.find_elements(By.CSS_SELECTOR, "nav.menu-page a[data-menu]")
        return [(a.get_attribute("data-menu"), a.get_attribute("href")) for a in links]
    links = driver.find_elements(By.CSS_SELECTOR, "nav.mainnav a[href]")
    return [(keys[_path(a.get_attribute("href"))], a.get_attribute("href")) for a in links]


def _path(href: str) -> str:
    return "/" + href.split("://", 1)[-1].split("/", 1)[-1]


def _open_entry(driver: Any, key: str, href: str, *, phone: bool) -> None:
    if phone:
        click(driver, '.tabbar a[data-tab="more"]')
        click(driver, f'nav.menu-page a[data-menu="{key}"]')
    else:
        click(driver, ".topbar .brand")
        click(driver, f'nav.mainnav a[href="{_path(href)}"]')


def walk(driver: Any, *, phone: bool, keys: dict[str, str], records: bool = True) -> Iterator[Page]:
    """Every main page of the signed-in user, reached by links; yields each once it is shown.
    ``keys``: the menu entries' keys by their path (``menu_keys``)."""
    from selenium.webdriver.common.by import By

    click(driver, ".topbar .brand")
    yield Page("home", driver.current_url)
    entries = _menu_entries(driver, phone=phone, keys=keys)
    if phone:
        yield Page("menu", driver.current_url)
    for key, href in entries:
        if key == "home":
            continue
        _open_entry(driver, key, href, phone=phone)
        yield Page(key, driver.current_url)
        if not records:
            continue
        found = [a for a in driver.find_elements(By.CSS_SELECTOR, RECORD_LINK) if a.is_displayed()]
        if found:
            target = found[0].get_attribute("href")
            if target and not any(word in target for word in FILES):
                follow(driver, found[0])
                yield Page(f"{key}-record", driver.current_url)


def menu_keys(username: str) -> dict[str, str]:
    """The user's menu entries' keys by their path, from the menu registry itself."""
    from accounts.models import User
    from portal.templatetags.menu import menu_for_user

    return {item.href: item.key for item in menu_for_user(user=User.objects.get(username=username))}


def scroll_width(driver: Any) -> int:
    return int(driver.execute_script("return document.documentElement.scrollWidth"))


UNLABELLED = """
return Array.from(document.querySelectorAll('input, select, textarea'))
  .filter(el => !['hidden', 'submit', 'button', 'reset'].includes(el.type))
  .filter(el => el.labels.length === 0 && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby'))
  .map(el => el.name || el.id || el.outerHTML.slice(0, 60));
"""

SMALL_TARGETS = """
return Array.from(document.querySelectorAll('main button, main .button, .tabbar a, .topbar a, .topbar button'))
  .filter(el => el.offsetParent !== null)
  .filter(el => el.getBoundingClientRect().height < 44)
  .map(el => (el.textContent || '').trim().slice(0, 30));
"""


def unlabelled_fields(driver: Any) -> list[str]:
    """Form fields without a label (<label for>, a wrapping label, aria-label or -labelledby)."""
    return list(driver.execute_script(UNLABELLED))


def small_targets(driver: Any) -> list[str]:
    """Buttons and header or tab links shorter than 44px (WCAG 2.5.5's target size)."""
    return list(driver.execute_script(SMALL_TARGETS))
