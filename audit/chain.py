"""The hash chain: canonical serialisation of an event and its sha256, shared by writer and verifier."""

from __future__ import annotations

import datetime
import hashlib
import json
from typing import Any

BUREAU_CHAIN = "bureau"

# json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False), with the encoder
# built once: json.dumps builds a new JSONEncoder on every call with these arguments.
CANONICAL_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True)


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
