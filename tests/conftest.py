"""Shared fixtures. Fixed personas make permission tests readable (see docs/testing.md)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.db import connection, connections
from django.test import TransactionTestCase

from accounts.models import User
from schools.models import Classroom, Membership, School
from tests.accounts.helpers import SmsOutbox
from tests.factories import (
    BureauFactory,
    BureauMembershipFactory,
    ClassroomFactory,
    MembershipFactory,
    SchoolFactory,
    UserFactory,
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    del config
    if connection.vendor != "postgresql":
        skip = pytest.mark.skip(reason="needs PostgreSQL")
        for item in items:
            if "postgres_only" in item.keywords:
                item.add_marker(skip)


@pytest.fixture(autouse=True, scope="session")
def _flush_past_the_audit_triggers() -> Iterator[None]:
    """Let transactional tests' end-of-test flush empty audit_auditevent.

    The flush TRUNCATEs (PostgreSQL) or DELETEs (SQLite) every table, which the append-only
    triggers refuse. Around that flush only, PostgreSQL skips user triggers for the session
    (``session_replication_role = replica``; the test role is a superuser) and SQLite's
    triggers are dropped and re-created. Tests themselves always run with the triggers on.
    """
    original = TransactionTestCase._fixture_teardown  # type: ignore[attr-defined]

    def teardown(self: TransactionTestCase) -> None:
        sqlite_triggers: dict[str, list[str]] = {}
        for alias in self._databases_names(include_mirrors=False):  # type: ignore[attr-defined]
            with connections[alias].cursor() as cursor:
                if connections[alias].vendor == "postgresql":
                    cursor.execute("SET session_replication_role = replica")
                elif connections[alias].vendor == "sqlite":
                    cursor.execute(
                        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
                        ["audit_auditevent"],
                    )
                    rows = cursor.fetchall()
                    sqlite_triggers[alias] = [sql for _name, sql in rows]
                    for name, _sql in rows:
                        cursor.execute(f'DROP TRIGGER "{name}"')
        try:
            original(self)
        finally:
            for alias in self._databases_names(include_mirrors=False):  # type: ignore[attr-defined]
                with connections[alias].cursor() as cursor:
                    if connections[alias].vendor == "postgresql":
                        cursor.execute("RESET session_replication_role")
                    for sql in sqlite_triggers.get(alias, []):
                        cursor.execute(sql)

    TransactionTestCase._fixture_teardown = teardown  # type: ignore[attr-defined]
    try:
        yield
    finally:
        TransactionTestCase._fixture_teardown = original  # type: ignore[attr-defined]


@pytest.fixture(autouse=True, scope="session")
def _private_media_in_a_temporary_directory(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Attachments stored by any test (the demo, too) go to a throw-away directory, never var/."""
    from django.test import override_settings

    with override_settings(WANJIA_PRIVATE_MEDIA_ROOT=tmp_path_factory.mktemp("private")):
        yield


@pytest.fixture(autouse=True, scope="session")
def _text_messages_in_a_temporary_directory(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Text messages sent by any test (FileSender, config/settings/test.py) go to a throw-away
    directory; tests that read them use tests/accounts/helpers.py's ``sms_outbox``."""
    from django.test import override_settings

    with override_settings(WANJIA_SMS_DIR=tmp_path_factory.mktemp("sms")):
        yield


@pytest.fixture
def sms_outbox(tmp_path: Path) -> Iterator[SmsOutbox]:
    """The text messages this test sends (FileSender into a directory of its own)."""
    from django.test import override_settings

    directory = tmp_path / "sms"
    with override_settings(WANJIA_SMS_DIR=directory, WANJIA_SMS_BACKEND="core.sms.FileSender"):
        yield SmsOutbox(directory)


@dataclass
class World:
    """Two schools of one bureau, and the people the permission tests talk about."""

    school: School
    other_school: School
    classroom: Classroom
    other_classroom: Classroom
    owner: User  # class teacher of `classroom`
    colleague: User  # another teacher of the same school
    outsider: User  # class teacher at the other school
    counsellor: User
    principal: User
    admin: User
    custodian: User
    inspector: User


@pytest.fixture
def world(db: None) -> World:
    bureau = BureauFactory.create(code="city", name="四平市教育局")
    school = SchoolFactory.create(bureau=bureau, code="A", name="第一实验小学")
    other_school = SchoolFactory.create(bureau=bureau, code="B", name="第二中学")

    def staff(username: str, school: School, role: str) -> User:
        user = UserFactory.create(username=username)
        MembershipFactory.create(user=user, school=school, role=role)
        return user

    owner = staff("owner", school, Membership.Role.TEACHER)
    outsider = staff("outsider", other_school, Membership.Role.TEACHER)
    classroom = ClassroomFactory.create(school=school, grade=4, number=1, class_teacher=owner)
    other_classroom = ClassroomFactory.create(school=other_school, grade=8, number=1, class_teacher=outsider)
    inspector = UserFactory.create(username="inspector")
    BureauMembershipFactory.create(user=inspector, bureau=bureau)
    return World(
        school=school,
        other_school=other_school,
        classroom=classroom,
        other_classroom=other_classroom,
        owner=owner,
        colleague=staff("colleague", school, Membership.Role.TEACHER),
        outsider=outsider,
        counsellor=staff("counsellor", school, Membership.Role.COUNSELLOR),
        principal=staff("principal", school, Membership.Role.PRINCIPAL),
        admin=staff("schooladmin", school, Membership.Role.SCHOOL_ADMIN),
        custodian=staff("custodian", school, Membership.Role.CUSTODIAN),
        inspector=inspector,
    )
