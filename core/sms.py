"""Text messages (SMS): one small interface, the sender class named by ``WANJIA_SMS_BACKEND``.

``send_sms(phone, text)`` is all that callers use. The senders:

- ``ConsoleSender``: logs the message (development default);
- ``FileSender``: writes each message as a JSON file into ``WANJIA_SMS_DIR`` (demo and tests);
- ``HttpGatewaySender``: POSTs ``{"to": phone, "text": text}`` as JSON to ``WANJIA_SMS_GATEWAY_URL``
  with ``Authorization: Bearer WANJIA_SMS_GATEWAY_TOKEN`` (production).

An empty ``WANJIA_SMS_BACKEND`` turns SMS off: ``sms_enabled()`` is false and ``send_sms`` refuses.
Part of the kernel: imports nothing of ours.
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger("wanjia.sms")

# Senders only meant for development and tests (a deploy check warns when one is configured).
DEVELOPMENT_SENDERS = ("core.sms.ConsoleSender", "core.sms.FileSender")


class SmsError(Exception):
    """A message could not be handed over (the gateway refused it, could not be reached, ...)."""


class SmsSender(Protocol):
    def send(self, phone: str, text: str) -> None: ...


class ConsoleSender:
    """Logs each message; nothing leaves the machine."""

    def send(self, phone: str, text: str) -> None:
        logger.info("SMS to %s: %s", phone, text)


class FileSender:
    """Writes each message to ``WANJIA_SMS_DIR`` as ``<time>-<random>.json`` with "to" and "text"."""

    def send(self, phone: str, text: str) -> None:
        directory = Path(settings.WANJIA_SMS_DIR)
        directory.mkdir(parents=True, exist_ok=True)
        name = f"{timezone.now():%Y%m%dT%H%M%S%f}-{uuid.uuid4().hex[:8]}.json"
        body = json.dumps({"to": phone, "text": text}, ensure_ascii=False)
        (directory / name).write_text(body, encoding="utf-8")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer like any other non-2xx: never followed (the message and the bearer
    token go to the configured address only)."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


class HttpGatewaySender:
    """POSTs the message as JSON to the SMS gateway; anything but a 2xx answer (a redirect
    included: it is not followed) raises SmsError."""

    def __init__(self) -> None:
        self.url = str(settings.WANJIA_SMS_GATEWAY_URL)
        self.token = str(settings.WANJIA_SMS_GATEWAY_TOKEN)
        self.timeout = int(settings.WANJIA_SMS_GATEWAY_TIMEOUT)
        if not self.url.startswith(("https://", "http://")):
            raise SmsError("WANJIA_SMS_GATEWAY_URL must be an http:// or https:// address.")

    def send(self, phone: str, text: str) -> None:
        headers = {"Content-Type": "application/json; charset=utf-8", "Accept": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        body = json.dumps({"to": phone, "text": text}, ensure_ascii=False).encode("utf-8")
        request = urllib.request.Request(self.url, data=body, headers=headers, method="POST")  # noqa: S310 - scheme checked in __init__
        try:
            with _OPENER.open(request, timeout=self.timeout) as response:
                status = response.status
        except urllib.error.HTTPError as exc:
            raise SmsError(f"The SMS gateway answered {exc.code} {exc.reason}.") from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise SmsError(f"The SMS gateway could not be reached: {exc}.") from exc
        if not 200 <= status < 300:
            raise SmsError(f"The SMS gateway answered {status}.")


def sms_enabled() -> bool:
    """Whether text messages can be sent at all (a sender is configured)."""
    return bool(settings.WANJIA_SMS_BACKEND)


def get_sender() -> SmsSender:
    if not sms_enabled():
        raise SmsError("SMS is off: WANJIA_SMS_BACKEND is empty.")
    sender_class = import_string(settings.WANJIA_SMS_BACKEND)
    sender: SmsSender = sender_class()
    return sender


def send_sms(phone: str, text: str) -> None:
    """Send one text message through the configured sender; raises SmsError when it fails."""
    get_sender().send(phone, text)
