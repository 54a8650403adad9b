"""The sign-in lockout across app-server processes: failures spread over two real servers
(gunicorn, one worker each, on the test database) lock the account as if they had met one; and a
forged X-Forwarded-For is ignored unless WANJIA_TRUST_X_FORWARDED_FOR says a proxy of ours sets it.

Each server is its own process with its own memory, so a count kept per process (the local-memory
cache the old token throttle used) could not lock anything here: only the database is shared.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from django.db import connection

from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]
# Small limits, so that few requests show the behaviour.
ACCOUNT_LIMIT = 3
ADDRESS_LIMIT = 4

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _database_url() -> str:
    db = connection.settings_dict
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Server:
    def __init__(self, *, trust_forwarded_for: bool, log: Path) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": _database_url(),  # the test database, shared by both servers
            "DATABASE_POOL": "false",
            "WANJIA_TRUST_X_FORWARDED_FOR": "true" if trust_forwarded_for else "false",
            "WANJIA_LOGIN_FAILURE_LIMIT": str(ACCOUNT_LIMIT),
            "WANJIA_LOGIN_ADDRESS_FAILURE_LIMIT": str(ADDRESS_LIMIT),
        }
        self.log = log.open("w")
        self.process = subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "1",
                "--timeout",
                "60",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def wait(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"the server stopped; see {self.log.name}"
            try:
                if requests.get(f"{self.url}/accounts/login/", timeout=30).status_code == 200:
                    return
            except (requests.ConnectionError, requests.Timeout):
                pass
            time.sleep(0.2)
        raise AssertionError(f"the server did not start; see {self.log.name}")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()

    def token(self, username: str, password: str, forwarded_for: str | None = None) -> requests.Response:
        headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
        return requests.post(
            f"{self.url}/api/v1/auth/token/",
            json={"username": username, "password": password},
            headers=headers,
            timeout=30,
        )

    def web_login(self, username: str, password: str) -> requests.Response:
        session = requests.Session()
        assert session.get(f"{self.url}/accounts/login/", timeout=30).status_code == 200
        return session.post(
            f"{self.url}/accounts/login/",
            data={
                "username": username,
                "password": password,
                "csrfmiddlewaretoken": session.cookies["csrftoken"],
            },
            allow_redirects=False,
            timeout=30,
        )


def _pair(trust_forwarded_for: bool, logs: Path) -> Iterator[tuple[Server, Server]]:
    servers = (
        Server(trust_forwarded_for=trust_forwarded_for, log=logs / "a.log"),
        Server(trust_forwarded_for=trust_forwarded_for, log=logs / "b.log"),
    )
    try:
        for server in servers:
            server.wait()
        yield servers
    finally:
        for server in servers:
            server.stop()


@pytest.fixture
def two_servers(transactional_db: None, tmp_path: Path) -> Iterator[tuple[Server, Server]]:
    """Two servers without a proxy in front: X-Forwarded-For is not believed."""
    yield from _pair(False, tmp_path)


@pytest.fixture
def two_servers_behind_a_proxy(transactional_db: None, tmp_path: Path) -> Iterator[tuple[Server, Server]]:
    yield from _pair(True, tmp_path)


@pytest.fixture
def people(transactional_db: None) -> None:
    for username in ("owner", "colleague"):
        UserFactory.create(username=username)  # password "pw"


def test_failures_spread_over_two_servers_lock_the_account(people, two_servers):
    a, b = two_servers
    assert a.process.pid != b.process.pid
    assert [server.token("owner", "wrong").status_code for server in (a, b)] == [400, 400]
    locked = a.token("owner", "wrong")  # the third, counted with the two before it
    assert locked.status_code == 429 and locked.json()["code"] == "locked_out"
    # Locked on both servers, for the right password too, at the API and on the web.
    assert b.token("owner", "pw").status_code == 429
    assert b.web_login("owner", "pw").status_code == 429
    # Another account is untouched.
    assert a.token("colleague", "pw").status_code == 200


def test_a_forged_forwarded_for_is_ignored_without_a_trusted_proxy(people, two_servers):
    a, b = two_servers
    servers = [a, b, a]
    codes = [
        server.token(f"nobody{i}", "wrong", forwarded_for=f"192.0.2.{i}").status_code
        for i, server in enumerate(servers)
    ]
    assert codes == [400, 400, 400]
    # The fourth failure from this one real address locks it, whatever the header claims.
    assert b.token("nobody9", "wrong", forwarded_for="192.0.2.9").status_code == 429
    assert a.token("colleague", "pw", forwarded_for="198.51.100.1").status_code == 429


def test_behind_a_trusted_proxy_the_forwarded_address_is_the_client(people, two_servers_behind_a_proxy):
    a, b = two_servers_behind_a_proxy
    # Four clients behind one proxy, one failure each: no address reaches its limit.
    codes = [
        server.token(f"nobody{i}", "wrong", forwarded_for=f"192.0.2.{i}").status_code
        for i, server in enumerate([a, b, a, b])
    ]
    assert codes == [400, 400, 400, 400]
    # One client failing four times, over both servers, is locked out; its neighbours are not.
    codes = [
        server.token(f"other{i}", "wrong", forwarded_for="203.0.113.5").status_code
        for i, server in enumerate([a, b, a, b])
    ]
    assert codes == [400, 400, 400, 429]
    assert a.token("colleague", "pw", forwarded_for="203.0.113.5").status_code == 429
    assert b.token("colleague", "pw", forwarded_for="192.0.2.1").status_code == 200
