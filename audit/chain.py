"""The hash chain: canonical serialisation of an event and its sha256, shared by writer and verifier.

Two versions (docs/audit.md, docs/decisions/0004-audit-erasure.md):

- version 1 hashes every field of the event, ``detail``, ``ip`` and ``user_agent`` included;
- version 2 (every event written since) hashes the same fields except those three, which form
  the event's *payload*, and in their place a salted commitment to the payload
  (``payload_digest`` = sha256 of a random per-event salt and the payload's canonical JSON). The
  payload and the salt can then be erased while the chain still verifies.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import secrets
from typing import Any

BUREAU_CHAIN = "bureau"

# json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False), with the encoder
# built once: json.dumps builds a new JSONEncoder on every call with these arguments.
CANONICAL_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True)


# What an erased event holds in place of its detail; its ip is NULL and user_agent empty.
ERASED_DETAIL: dict[str, Any] = {"erased": True}
# The event that erases payloads records how many under this key of its detail (audit_erase);
# verify_audit requires the erased events to add up to the sum of these counts.
ERASED_COUNT_KEY = "erased_audit_events"
# The version new events are written with.
CURRENT_HASH_VERSION = 2
SALT_BYTES = 16


def chain_for_school(school_id: int | None) -> str:
    return f"school:{school_id}" if school_id is not None else BUREAU_CHAIN


def canonical_time(value: datetime.datetime) -> str:
    return value.astimezone(datetime.UTC).isoformat(timespec="microseconds")


def event_hash(
    *,
    chain: str,
    seq: int,
    occurred_at: datetime.datetime,
    actor_id: int | None,
    actor_label: str,
    action: str,
    target_type: str,
    target_id: str,
    case_id: int | None,
    school_id: int | None,
    detail: Any,
    ip: str | None,
    user_agent: str,
    prev_hash: str,
) -> str:
    """Hex sha256 of the canonical JSON of an event's fields and its predecessor's hash."""
    payload = {
        "chain": chain,
        "seq": seq,
        "occurred_at": canonical_time(occurred_at),
        "actor_id": actor_id,
        "actor_label": actor_label,
        "action": action,
        "target_type": target_type,
        "target_id": target_id,
        "case_id": case_id,
        "school_id": school_id,
        "detail": detail,
        "ip": ip,
        "user_agent": user_agent,
        "prev_hash": prev_hash,
    }
    return hashlib.sha256(CANONICAL_ENCODER.encode(payload).encode()).hexdigest()


def new_salt() -> str:
    """A fresh random salt (hex): without it, a low-entropy payload could be guessed from its digest."""
    return secrets.token_hex(SALT_BYTES)


def payload_text(*, detail: Any, ip: str | None, user_agent: str) -> str:
    """The canonical JSON of an event's personal payload."""
    return CANONICAL_ENCODER.encode({"detail": detail, "ip": ip, "user_agent": user_agent})


def payload_digest(*, salt: str, detail: Any, ip: str | None, user_agent: str) -> str:
    """Hex sha256 of the salt followed by the payload's canonical JSON (the salt has a fixed length)."""
    return hashlib.sha256(
        (salt + payload_text(detail=detail, ip=ip, user_agent=user_agent)).encode()
    ).hexdigest()


def event_hash_v2(
    *,
    chain: str,
    seq: int,
    occurred_at: datetime.datetime,
    actor_id: int | None,
    actor_label: str,
    action: str,
    target_type: str,
    target_id: str,
    case_id: int | None,
    school_id: int | None,
    payload_digest: str,
    prev_hash: str,
) -> str:
    """Hex sha256 of a version-2 event: its fields, the payload's digest, its predecessor's hash."""
    payload = {
        "v": 2,
        "chain": chain,
        "seq": seq,
        "occurred_at": canonical_time(occurred_at),
        "actor_id": actor_id,
        "actor_label": actor_label,
        "action": action,
        "target_type": target_type,
        "target_id": target_id,
        "case_id": case_id,
        "school_id": school_id,
        "payload_digest": payload_digest,
        "prev_hash": prev_hash,
    }
    return hashlib.sha256(CANONICAL_ENCODER.encode(payload).encode()).hexdigest()
