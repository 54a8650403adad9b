"""The SMS senders behind core.sms.send_sms, the HTTP gateway against a local fake gateway that
the test starts (nothing leaves the machine), and the system checks on the sender."""

from __future__ import annotations

import json
import logging
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pytest
from django.core.checks import run_checks
from django.test import override_settings

from core.sms import HttpGatewaySender, SmsError, send_sms, sms_enabled


@dataclass
class FakeGateway:
    url: str
    status: int = 200
    received: list[dict[str, Any]] = field(default_factory=list)


@pytest.fixture
def gateway() -> Iterator[FakeGateway]:
    fake = FakeGateway(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers["Content-Length"])
            fake.received.append(
                {
                    "path": self.path,
                    "authorization": self.headers.get("Authorization"),
                    "content_type": self.headers.get("Content-Type"),
                    "body": json.loads(self.rfile.read(length).decode("utf-8")),
                }
            )
            self.send_response(fake.status)
            if 300 <= fake.status < 400:
                self.send_header("Location", "http://127.0.0.1:9/elsewhere")
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"ok": true}' if fake.status < 300 else b'{"error": "no"}')

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    fake.url = f"http://127.0.0.1:{server.server_port}/send"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def gateway_settings(url: str, token: str = "s3cret-token") -> Any:  # noqa: S107 - a test value
    return override_settings(
        WANJIA_SMS_BACKEND="core.sms.HttpGatewaySender",
        WANJIA_SMS_GATEWAY_URL=url,
        WANJIA_SMS_GATEWAY_TOKEN=token,
        WANJIA_SMS_GATEWAY_TIMEOUT=5,
    )


def test_the_gateway_gets_json_with_the_bearer_token(gateway: FakeGateway) -> None:
    with gateway_settings(gateway.url):
        send_sms("13800001111", "【万家】验证码 123456")
    (request,) = gateway.received
    assert request["path"] == "/send"
    assert request["authorization"] == "Bearer s3cret-token"
    assert request["content_type"].startswith("application/json")
    assert request["body"] == {"to": "13800001111", "text": "【万家】验证码 123456"}


@pytest.mark.parametrize("status", [400, 401, 500, 503])
def test_a_refusal_by_the_gateway_is_a_clear_error(gateway: FakeGateway, status: int) -> None:
    gateway.status = status
    with gateway_settings(gateway.url), pytest.raises(SmsError, match=f"answered {status}"):
        send_sms("13800001111", "x")
    assert len(gateway.received) == 1


def test_an_unreachable_gateway_is_a_clear_error() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # Nothing listens on the port any more.
    with (
        gateway_settings(f"http://127.0.0.1:{port}/send"),
        pytest.raises(SmsError, match="could not be reached"),
    ):
        send_sms("13800001111", "x")


def test_the_gateway_address_must_be_http() -> None:
    with gateway_settings("file:///etc/passwd"), pytest.raises(SmsError):
        HttpGatewaySender()


@pytest.mark.smoke
def test_the_console_sender_logs(caplog: pytest.LogCaptureFixture) -> None:
    with (
        override_settings(WANJIA_SMS_BACKEND="core.sms.ConsoleSender"),
        caplog.at_level(logging.INFO, "wanjia.sms"),
    ):
        send_sms("13800001111", "你好")
    assert "13800001111" in caplog.text and "你好" in caplog.text


@pytest.mark.smoke
def test_the_file_sender_writes_one_json_file_per_message(tmp_path: Path) -> None:
    with override_settings(WANJIA_SMS_BACKEND="core.sms.FileSender", WANJIA_SMS_DIR=tmp_path / "out"):
        send_sms("13800001111", "一")
        send_sms("13900002222", "二")
    files = sorted((tmp_path / "out").glob("*.json"))
    assert [json.loads(f.read_text(encoding="utf-8")) for f in files] == [
        {"to": "13800001111", "text": "一"},
        {"to": "13900002222", "text": "二"},
    ]


@pytest.mark.smoke
def test_an_empty_backend_turns_sms_off() -> None:
    with override_settings(WANJIA_SMS_BACKEND=""):
        assert not sms_enabled()
        with pytest.raises(SmsError):
            send_sms("13800001111", "x")


@pytest.mark.smoke
@pytest.mark.parametrize(
    ("values", "deploy", "ids"),
    [
        ({"WANJIA_SMS_BACKEND": "core.sms.ConsoleSender"}, True, ["core.W001"]),
        ({"WANJIA_SMS_BACKEND": "core.sms.FileSender"}, True, ["core.W001"]),
        ({"WANJIA_SMS_BACKEND": "core.sms.ConsoleSender"}, False, []),
        ({"WANJIA_SMS_BACKEND": ""}, True, []),
        (
            {"WANJIA_SMS_BACKEND": "core.sms.HttpGatewaySender", "WANJIA_SMS_GATEWAY_URL": ""},
            False,
            ["core.E002"],
        ),
        (
            {
                "WANJIA_SMS_BACKEND": "core.sms.HttpGatewaySender",
                "WANJIA_SMS_GATEWAY_URL": "https://sms.example/send",
            },
            True,
            [],
        ),
        ({"WANJIA_SMS_BACKEND": "core.sms.NoSuchSender"}, False, ["core.E001"]),
    ],
)
def test_the_checks_on_the_sender(values: dict[str, str], deploy: bool, ids: list[str]) -> None:
    with override_settings(**values):
        found = [m.id for m in run_checks(include_deployment_checks=deploy) if str(m.id).startswith("core.")]
    assert found == ids


def test_a_redirect_is_not_followed(gateway: FakeGateway) -> None:
    gateway.status = 302
    with gateway_settings(gateway.url), pytest.raises(SmsError, match="302"):
        send_sms("13800001111", "【万家】验证码 123456")
    assert len(gateway.received) == 1  # only the configured address heard from us
