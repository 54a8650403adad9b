"""Walking the audit chains: recompute every hash and check the links, the heads and anchors.

On PostgreSQL the server renders the canonical JSON of every field of an event except ``detail``
(``to_json`` escapes strings exactly as Python's json module does with ensure_ascii=False; the
time comes out in canonical_time's format), and the rows are streamed: Python only parses and
re-encodes ``detail`` and hashes. A version-2 event's chain hash needs no ``detail`` at all (it
covers the payload's digest); its payload is checked against that digest while it is present,
and an erased one is not sent. Every other database goes through the ORM and audit.chain. Both
compute the same bytes (tests/audit/test_verify_canonical.py).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import psycopg
from django.db import connection, transaction

from audit.chain import CANONICAL_ENCODER, ERASED_COUNT_KEY, event_hash, event_hash_v2, payload_digest
from audit.models import AuditChainHead, AuditEvent

PROGRESS_EVERY = 20_000

# Version 1: the canonical JSON (keys in sorted order) around the detail, built by PostgreSQL.
_PG_BEFORE_DETAIL = """'{"action":' || to_json(action) || ',"actor_id":' || coalesce(actor_id::text, 'null')
    || ',"actor_label":' || to_json(actor_label) || ',"case_id":' || coalesce(case_id::text, 'null')
    || ',"chain":' || to_json(chain) || ',"detail":'"""
_PG_IP = "coalesce(to_json(host(ip))::text, 'null')"
_PG_TIME = """to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') || '+00:00'"""
_PG_AFTER_DETAIL = f"""',"ip":' || {_PG_IP}
    || ',"occurred_at":"' || {_PG_TIME}
    || '","prev_hash":' || to_json(prev_hash) || ',"school_id":' || coalesce(school_id::text, 'null')
    || ',"seq":' || seq || ',"target_id":' || to_json(target_id) || ',"target_type":' || to_json(target_type)
    || ',"user_agent":' || to_json(user_agent) || '}}'"""
# Version 2: the whole canonical JSON of the hashed fields, and the tail of the payload's JSON.
_PG_V2_EVENT = f"""'{{"action":' || to_json(action) || ',"actor_id":' || coalesce(actor_id::text, 'null')
    || ',"actor_label":' || to_json(actor_label) || ',"case_id":' || coalesce(case_id::text, 'null')
    || ',"chain":' || to_json(chain) || ',"occurred_at":"' || {_PG_TIME}
    || '","payload_digest":' || to_json(payload_digest) || ',"prev_hash":' || to_json(prev_hash)
    || ',"school_id":' || coalesce(school_id::text, 'null') || ',"seq":' || seq
    || ',"target_id":' || to_json(target_id) || ',"target_type":' || to_json(target_type)
    || ',"v":' || hash_version || '}}'"""
_PG_V2_PAYLOAD_TAIL = f"""',"ip":' || {_PG_IP} || ',"user_agent":' || to_json(user_agent) || '}}'"""

# One row per event: (id, stored hash, chain, seq, prev_hash, hash version, what the check needs).
Row = tuple[int, str, str, int, str, int, Any]
HASH_MISMATCH = "hash does not match the event's content"
PAYLOAD_MISMATCH = "detail, ip or user agent does not match the event's payload digest"


@dataclass(frozen=True)
class ChainBreak:
    """The first event (or head) that does not verify."""

    chain: str
    seq: int | None
    event_id: int | None
    problem: str

    def __str__(self) -> str:
        return f"audit event id={self.event_id} chain={self.chain} seq={self.seq}: {self.problem}"


def chain_heads(chains: Iterable[str] | None = None) -> dict[str, tuple[int, str]]:
    heads = AuditChainHead.objects.all()
    if chains is not None:
        heads = heads.filter(chain__in=list(chains))
    return {chain: (seq, digest) for chain, seq, digest in heads.values_list("chain", "seq", "hash")}


def _postgres_rows(chains: list[str] | None) -> Iterator[Row]:
    # Every chain: id order, which is the table's physical order (append-only) and, within a chain,
    # seq order (ids are drawn while the chain head is locked). One chain: its (chain, seq) index.
    where, order = ("WHERE chain = ANY(%s)", "chain, seq") if chains is not None else ("", "id")
    sql = (
        "SELECT id, hash, chain, seq, prev_hash, hash_version,"  # noqa: S608
        f" CASE WHEN hash_version = 1 THEN {_PG_BEFORE_DETAIL} ELSE {_PG_V2_EVENT} END,"
        # An erased payload is not sent (its salt is gone: there is nothing to check it against).
        " CASE WHEN hash_version = 1 OR payload_salt <> '' THEN detail END,"
        f" CASE WHEN hash_version = 1 THEN {_PG_AFTER_DETAIL} ELSE {_PG_V2_PAYLOAD_TAIL} END,"
        " payload_salt, payload_digest"
        f" FROM audit_auditevent {where} ORDER BY {order}"
    )
    params = [chains] if chains is not None else []
    with connection.cursor() as cursor:
        raw = cursor.cursor
        # Streaming lets the server produce rows while Python hashes the previous ones; chunks of
        # rows need libpq 17, older ones get a server-side cursor.
        if psycopg.pq.version() >= 170000:
            rows: Iterable[Any] = raw.stream(sql, params, size=2000)
        else:
            rows = _fetch_named(sql, params)
        for event_id, stored, chain, seq, prev_hash, version, head, detail, tail, salt, digest in rows:
            yield event_id, stored, chain, seq, prev_hash, version, (head, detail, tail, salt, digest)


def _postgres_check(
    version: int,
    parts: tuple[str, str | None, str, str, str],
    stored: str,
    *,
    _encode: Callable[[Any], str] = CANONICAL_ENCODER.encode,
    _loads: Callable[[str], Any] = json.loads,
    _sha256: Any = hashlib.sha256,
) -> str | None:
    head, detail, tail, salt, digest = parts
    if version == 1:
        assert detail is not None
        if _sha256((head + _encode(_loads(detail)) + tail).encode()).hexdigest() != stored:
            return HASH_MISMATCH
        return None
    if _sha256(head.encode()).hexdigest() != stored:
        return HASH_MISMATCH
    if salt:
        assert detail is not None
        text = salt + '{"detail":' + _encode(_loads(detail)) + tail
        if _sha256(text.encode()).hexdigest() != digest:
            return PAYLOAD_MISMATCH
    return None


def _fetch_named(sql: str, params: list[Any]) -> Iterator[Any]:
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(PROGRESS_EVERY):
            yield from batch


_HASHED_FIELDS = [
    "chain",
    "seq",
    "occurred_at",
    "actor_id",
    "actor_label",
    "action",
    "target_type",
    "target_id",
    "case_id",
    "school_id",
    "prev_hash",
]
_PAYLOAD_FIELDS = ["detail", "ip", "user_agent"]


def _orm_rows(chains: list[str] | None) -> Iterator[Row]:
    """The portable (SQLite) path, in id order like PostgreSQL's."""
    events = AuditEvent.objects.order_by("id")
    if chains is not None:
        events = events.filter(chain__in=chains)
    columns = ["id", "hash", "hash_version", "payload_salt", "payload_digest"]
    for row in events.values(*columns, *_HASHED_FIELDS, *_PAYLOAD_FIELDS).iterator(chunk_size=PROGRESS_EVERY):
        yield row["id"], row["hash"], row["chain"], row["seq"], row["prev_hash"], row["hash_version"], row


def _orm_check(version: int, row: dict[str, Any], stored: str) -> str | None:
    hashed = {name: row[name] for name in _HASHED_FIELDS}
    payload = {name: row[name] for name in _PAYLOAD_FIELDS}
    if version == 1:
        return None if event_hash(**hashed, **payload) == stored else HASH_MISMATCH
    if event_hash_v2(**hashed, payload_digest=row["payload_digest"]) != stored:
        return HASH_MISMATCH
    if row["payload_salt"] and payload_digest(salt=row["payload_salt"], **payload) != row["payload_digest"]:
        return PAYLOAD_MISMATCH
    return None


def verify_chains(
    *,
    chains: Iterable[str] | None = None,
    progress: Callable[[int], Any] | None = None,
) -> tuple[int, ChainBreak | None]:
    """Return (events checked, first break or None). ``chains`` None means every chain.

    On PostgreSQL outside a transaction, heads and events are read from one REPEATABLE READ
    snapshot, so writes that land during a long verification cannot look like a broken head.
    """
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            return _verify(chains=chains, progress=progress)
    return _verify(chains=chains, progress=progress)


def _verify(
    *, chains: Iterable[str] | None, progress: Callable[[int], Any] | None
) -> tuple[int, ChainBreak | None]:
    wanted = list(chains) if chains is not None else None
    head_of = chain_heads(wanted)
    rows: Iterator[Row]
    check: Callable[[int, Any, str], str | None]
    if connection.vendor == "postgresql":
        rows, check = _postgres_rows(wanted), _postgres_check
    else:
        rows, check = _orm_rows(wanted), _orm_check
    # Per chain: the seq expected next, the hash of the last event seen and its hash version.
    state: dict[str, tuple[int, str, int]] = {}
    checked = 0
    for event_id, stored_hash, chain, seq, prev_hash, version, hashed in rows:
        expected_seq, expected_prev, last_version = state.get(chain, (1, "", 1))
        problem = None
        if seq != expected_seq:
            problem = f"expected seq {expected_seq}"
        elif prev_hash != expected_prev:
            problem = "prev_hash does not link to the previous event"
        elif version not in (1, 2):
            problem = f"unknown hash version {version}"
        elif version < last_version:
            # Once a chain is written with version 2, an event of version 1 cannot follow.
            problem = f"hash version {version} after version {last_version}"
        else:
            problem = check(version, hashed, stored_hash)
        if problem is not None:
            # Read the rest without checking it: abandoning a stream would cancel the query,
            # which aborts the caller's transaction.
            for _rest in rows:
                pass
            return checked, ChainBreak(chain, seq, event_id, problem)
        state[chain] = (seq + 1, stored_hash, version)
        checked += 1
        if progress is not None and checked % PROGRESS_EVERY == 0:
            progress(PROGRESS_EVERY)
    if progress is not None:
        progress(checked % PROGRESS_EVERY)
    for chain, (next_seq, last_hash, _version) in sorted(state.items()):
        head = head_of.pop(chain, None)
        if head != (next_seq - 1, last_hash):
            return checked, ChainBreak(
                chain, next_seq - 1, None, f"chain head {head} does not match the last event"
            )
    for chain, (seq, _digest) in sorted(head_of.items()):
        if seq:
            return checked, ChainBreak(chain, seq, None, "chain head points at events that do not exist")
    return checked, None


def erasures_unaccounted() -> str | None:
    """Every erased payload must be accounted for by the event that erased it (ERASED_COUNT_KEY).

    An erasure the retention run did not make (someone with UPDATE on the table emptying the
    detail of events they would rather hide) leaves the chain intact, but not this sum. Read in
    one snapshot on PostgreSQL, so a run committing meanwhile cannot look like a mismatch.
    """
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            return _erasures_unaccounted()
    return _erasures_unaccounted()


def _erasures_unaccounted() -> str | None:
    erased = AuditEvent.objects.filter(hash_version__gte=2, payload_salt="").count()
    counts = AuditEvent.objects.filter(detail__has_key=ERASED_COUNT_KEY).values_list(
        f"detail__{ERASED_COUNT_KEY}", flat=True
    )
    accounted = sum(count for count in counts if isinstance(count, int))
    if erased != accounted:
        return f"{erased} audit events have an erased payload, but the erasing events account for {accounted}"
    return None


def verify_anchor(anchor: dict[str, Any], *, chains: Iterable[str] | None = None) -> ChainBreak | None:
    """Each anchored chain must still hold the anchored hash at the anchored seq."""
    wanted = set(chains) if chains is not None else None
    for entry in anchor.get("chains", []):
        if wanted is not None and entry["chain"] not in wanted:
            continue
        row = (
            AuditEvent.objects.filter(chain=entry["chain"], seq=entry["seq"])
            .values_list("id", "hash")
            .first()
        )
        if row is None:
            return ChainBreak(entry["chain"], entry["seq"], None, "anchored event is missing")
        if row[1] != entry["hash"]:
            return ChainBreak(entry["chain"], entry["seq"], row[0], "hash differs from the anchor")
    return None
