"""Group-robot webhooks (WeCom 企业微信, DingTalk 钉钉): one small interface, the sender class
named by ``WANJIA_WEBHOOK_BACKEND`` (the pattern of ``core.sms``).

``webhook_payload(fmt, title, text)`` builds the robot's JSON; ``send_webhook(url, payload)`` hands
it to the configured sender:

- ``ConsoleWebhookSender``: logs the message (development default);
- ``FileWebhookSender``: writes each message as a JSON file into ``WANJIA_WEBHOOK_DIR``;
- ``HttpWebhookSender``: POSTs the JSON to the robot's address, never following a redirect, with
  a timeout (production, and the tests against a local fake server).

A 5xx answer, a timeout or a refused connection raises ``WebhookRetry`` (worth trying again
later); any other non-2xx answer raises ``WebhookError`` (it will not get better).
``webhook_url_problem(url)`` says what is wrong with an address a user gives, or "".
Part of the kernel: imports nothing of ours.
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

logger = logging.getLogger("wanjia.webhooks")

WECOM = "wecom"
DINGTALK = "dingtalk"
FORMATS = (WECOM, DINGTALK)


class WebhookError(Exception):
    """The robot refused the message for good (a 4xx, a redirect, a bad address)."""


class WebhookRetry(WebhookError):
    """The robot could not take the message now (a 5xx, a timeout, no connection)."""


def webhook_payload(fmt: str, *, title: str, text: str) -> dict[str, Any]:
    """The robot's markdown message: WeCom's ``{"msgtype": "markdown", "markdown": {"content"}}``
    or DingTalk's ``{"msgtype": "markdown", "markdown": {"title", "text"}}``."""
    if fmt == WECOM:
        return {"msgtype": "markdown", "markdown": {"content": f"**{title}**\n{text}"}}
    if fmt == DINGTALK:
        return {"msgtype": "markdown", "markdown": {"title": title, "text": f"### {title}\n\n{text}"}}
    raise WebhookError(f"Unknown webhook format {fmt!r}.")


def webhook_url_problem(url: str) -> str:
    """Why the address cannot be a robot's webhook ("" when it can): https only, to one of
    ``WANJIA_WEBHOOK_HOSTS`` (empty: any host); plain http only to the loopback addresses of
    ``WANJIA_WEBHOOK_ALLOW_HTTP_HOSTS`` (tests and development)."""
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:
        return _("Enter a valid web address.")
    host = (parts.hostname or "").lower()
    if not host or parts.username or parts.password:
        return _("Enter a valid web address.")
    if parts.scheme == "http" and host in getattr(settings, "WANJIA_WEBHOOK_ALLOW_HTTP_HOSTS", ()):
        return ""
    if parts.scheme != "https":
        return _("The robot's address must start with https://.")
    allowed = [h.lower() for h in getattr(settings, "WANJIA_WEBHOOK_HOSTS", ())]
    if allowed and host not in allowed:
        return _("Only the addresses of these robot services are accepted: %(hosts)s.") % {
            "hosts": ", ".join(allowed)
        }
    return ""


class WebhookSender(Protocol):
    def send(self, url: str, payload: dict[str, Any]) -> None: ...


class ConsoleWebhookSender:
    """Logs each message; nothing leaves the machine."""

    def send(self, url: str, payload: dict[str, Any]) -> None:
        logger.info(
            "webhook to %s: %s", urllib.parse.urlsplit(url).hostname, json.dumps(payload, ensure_ascii=False)
        )


class FileWebhookSender:
    """Writes each message to ``WANJIA_WEBHOOK_DIR`` as ``<time>-<random>.json`` with "url" and "payload"."""

    def send(self, url: str, payload: dict[str, Any]) -> None:
        directory = Path(settings.WANJIA_WEBHOOK_DIR)
        directory.mkdir(parents=True, exist_ok=True)
        name = f"{timezone.now():%Y%m%dT%H%M%S%f}-{uuid.uuid4().hex[:8]}.json"
        body = json.dumps({"url": url, "payload": payload}, ensure_ascii=False)
        (directory / name).write_text(body, encoding="utf-8")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is refused like any other non-2xx answer: the message goes to the given address only."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


class HttpWebhookSender:
    """POSTs the message as JSON to the robot; 5xx and network trouble raise WebhookRetry,
    anything else but a 2xx raises WebhookError."""

    def __init__(self) -> None:
        self.timeout = int(getattr(settings, "WANJIA_WEBHOOK_TIMEOUT", 10))

    def send(self, url: str, payload: dict[str, Any]) -> None:
        problem = webhook_url_problem(url)
        if problem:
            raise WebhookError(problem)
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        headers = {"Content-Type": "application/json; charset=utf-8"}
        request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310 - scheme checked above
        try:
            with _OPENER.open(request, timeout=self.timeout) as response:
                status = response.status
        except urllib.error.HTTPError as exc:
            if exc.code >= 500:
                raise WebhookRetry(f"The robot answered {exc.code}.") from exc
            raise WebhookError(f"The robot answered {exc.code}.") from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise WebhookRetry(f"The robot could not be reached: {exc}.") from exc
        if not 200 <= status < 300:
            raise WebhookError(f"The robot answered {status}.")


def get_webhook_sender() -> WebhookSender:
    sender: WebhookSender = import_string(settings.WANJIA_WEBHOOK_BACKEND)()
    return sender


def send_webhook(url: str, payload: dict[str, Any]) -> None:
    """Send one robot message through the configured sender; raises WebhookError (or WebhookRetry)."""
    get_webhook_sender().send(url, payload)
