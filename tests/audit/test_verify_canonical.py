"""verify_audit's fast path (raw rows, time rendered by PostgreSQL) hashes exactly what
audit_record hashed, for awkward values too."""

from __future__ import annotations

import datetime
import hashlib
import json
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction

from audit.chain import ERASED_COUNT_KEY, canonical_time, event_hash, event_hash_v2, payload_digest
from audit.models import AuditEvent
from audit.services import AuditContext, audit_erase, audit_record
from audit.verify import verify_chains

pytestmark = pytest.mark.django_db

AWKWARD_DETAILS: list[dict[str, Any]] = [
    {},
    {"comment": "家访记录：“引号” 'single' \\ backslash / slash", "emoji": "👨‍👩‍👧"},
    {"line": "a\nb\tc\u2028d\u2029e\x01", "nested": {"b": [1, 2, {"z": None, "a": True}], "a": 1.5}},
    {"zz": 1, "aa": 2, "中文键": "值", "Ä": "ä", "10": "ten", "9": "nine"},
    {"big": 2**70, "neg": -3, "float": 0.1, "tiny": 1e-07, "one": 1.0, "list": []},
]
MOMENTS = [
    datetime.datetime(2026, 1, 1, 0, 0, 0, 0, tzinfo=datetime.UTC),  # microsecond 0
    datetime.datetime(2026, 12, 31, 23, 59, 59, 999999, tzinfo=datetime.UTC),
    datetime.datetime(2027, 6, 1, 8, 0, 0, 1, tzinfo=datetime.UTC),
]


@pytest.mark.smoke
def test_awkward_events_verify_on_the_fast_path(world):
    contexts = [
        AuditContext(ip="2001:db8::1", user_agent='Mozilla/5.0 "quoted" 微信 \\ \t\x01\x1f\x7f\u2028'),
        AuditContext(ip="::ffff:10.0.0.1"),
        AuditContext(ip=None, user_agent=""),
    ]
    world.owner.full_name = '王"老师"\n\\ 👩‍🏫'
    world.owner.save(update_fields=["full_name"])
    written = []
    for i, detail in enumerate(AWKWARD_DETAILS):
        for moment in MOMENTS:
            with time_machine.travel(moment, tick=False):
                written.append(
                    audit_record(
                        action="test.awkward",
                        actor=world.owner if i % 2 else None,
                        target=world.school,
                        case_id=i or None,
                        school_id=world.school.pk if i % 2 else None,
                        detail=detail,
                        context=contexts[i % len(contexts)],
                    )
                )
    checked, problem = verify_chains()
    assert problem is None, str(problem)
    assert checked == len(written) == 15
    stored = AuditEvent.objects.get(pk=written[0].pk)
    assert canonical_time(stored.occurred_at) == "2026-01-01T00:00:00.000000+00:00"
    out = StringIO()
    call_command("verify_audit", stdout=out, verbosity=0)
    assert "15 audit events verified" in out.getvalue()


def test_event_hash_is_unchanged_by_the_shared_encoder():
    """A fixed vector: the canonical form must never drift (every stored hash depends on it)."""
    digest = event_hash(
        chain="school:1",
        seq=1,
        occurred_at=datetime.datetime(2026, 11, 29, 1, 2, 3, 4, tzinfo=datetime.UTC),
        actor_id=7,
        actor_label="张老师 (zhang)",
        action="case.open",
        target_type="casework.case",
        target_id="3",
        case_id=3,
        school_id=1,
        detail={"b": 1, "a": ["家访"]},
        ip="10.0.0.1",
        user_agent="ua",
        prev_hash="",
    )
    expected_text = json.dumps(
        {
            "chain": "school:1",
            "seq": 1,
            "occurred_at": "2026-11-29T01:02:03.000004+00:00",
            "actor_id": 7,
            "actor_label": "张老师 (zhang)",
            "action": "case.open",
            "target_type": "casework.case",
            "target_id": "3",
            "case_id": 3,
            "school_id": 1,
            "detail": {"b": 1, "a": ["家访"]},
            "ip": "10.0.0.1",
            "user_agent": "ua",
            "prev_hash": "",
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    assert digest == hashlib.sha256(expected_text.encode()).hexdigest()


def test_version_2_hash_and_payload_digest_are_pinned():
    """Fixed vectors for version 2: the hashed fields with the payload's digest, and the digest."""
    digest = payload_digest(salt="00" * 16, detail={"b": 1, "a": ["家访"]}, ip="10.0.0.1", user_agent="ua")
    payload_text = '{"detail":{"a":["家访"],"b":1},"ip":"10.0.0.1","user_agent":"ua"}'
    assert digest == hashlib.sha256(("00" * 16 + payload_text).encode()).hexdigest()
    fields: dict[str, Any] = {
        "chain": "school:1",
        "seq": 1,
        "occurred_at": datetime.datetime(2026, 11, 29, 1, 2, 3, 4, tzinfo=datetime.UTC),
        "actor_id": 7,
        "actor_label": "张老师 (zhang)",
        "action": "case.open",
        "target_type": "casework.case",
        "target_id": "3",
        "case_id": 3,
        "school_id": 1,
        "prev_hash": "",
    }
    expected_text = (
        '{"action":"case.open","actor_id":7,"actor_label":"张老师 (zhang)","case_id":3,'
        '"chain":"school:1","occurred_at":"2026-11-29T01:02:03.000004+00:00",'
        f'"payload_digest":"{digest}","prev_hash":"","school_id":1,"seq":1,'
        '"target_id":"3","target_type":"casework.case","v":2}'
    )
    assert (
        event_hash_v2(**fields, payload_digest=digest) == hashlib.sha256(expected_text.encode()).hexdigest()
    )


@pytest.mark.smoke
def test_erased_awkward_events_verify_on_the_fast_path(world):
    """The fast path skips an erased payload and still rebuilds every hashed field exactly."""
    with time_machine.travel(MOMENTS[0], tick=False):
        written = [
            audit_record(
                action="test.awkward",
                actor=world.owner,
                target=world.school,
                school_id=world.school.pk,
                detail=detail,
                context=AuditContext(ip="2001:db8::1", user_agent="微信 \\ \t"),
            )
            for detail in AWKWARD_DETAILS
        ]
    with transaction.atomic():
        erased = audit_erase(events=AuditEvent.objects.filter(pk__in=[e.pk for e in written[::2]]))
        audit_record(action="test.erased", actor=None, detail={ERASED_COUNT_KEY: erased})
    assert erased == 3
    checked, problem = verify_chains()
    assert problem is None, str(problem)
    assert checked == len(written) + 1
