"""Headless Chromium on a phone-sized screen, for the browser tests (marker ``browser``)."""

from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
PHONE = {"width": 390, "height": 844}
