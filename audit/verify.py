"""Walking the audit chains: recompute every hash and check the links, the heads and anchors.

On PostgreSQL the server renders every field of an event's canonical JSON except ``detail``
(``to_json`` escapes strings exactly as Python's json module does with ensure_ascii=False; the
time comes out in canonical_time's format), and the rows are streamed: Python only parses and
re-encodes ``detail`` and hashes. Every other database goes through the ORM and
audit.chain.event_hash. Both compute the same bytes (tests/audit/test_verify_canonical.py).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import psycopg
from django.db import connection, transaction

from audit.chain import CANONICAL_ENCODER, event_hash
from audit.models import AuditChainHead, AuditEvent

PROGRESS_EVERY = 20_000

# The canonical JSON (keys in sorted order) around the detail, built by PostgreSQL.
_PG_BEFORE_DETAIL = """'{"action":' || to_json(action) || ',"actor_id":' || coalesce(actor_id::text, 'null')
    || ',"actor_label":' || to_json(actor_label) || ',"case_id":' || coalesce(case_id::text, 'null')
    || ',"chain":' || to_json(chain) || ',"detail":'"""
_PG_AFTER_DETAIL = """',"ip":' || coalesce(to_json(host(ip))::text, 'null')
    || ',"occurred_at":"' || to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US')
    || '+00:00","prev_hash":' || to_json(prev_hash) || ',"school_id":' || coalesce(school_id::text, 'null')
    || ',"seq":' || seq || ',"target_id":' || to_json(target_id) || ',"target_type":' || to_json(target_type)
    || ',"user_agent":' || to_json(user_agent) || '}'"""

# One row per event: (id, stored hash, chain, seq, prev_hash, what digest() hashes).
Row = tuple[int, str, str, int, str, Any]


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
        f"SELECT id, hash, chain, seq, prev_hash, {_PG_BEFORE_DETAIL}, detail, {_PG_AFTER_DETAIL}"  # noqa: S608
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
        for event_id, stored, chain, seq, prev_hash, before, detail, after in rows:
            yield event_id, stored, chain, seq, prev_hash, (before, detail, after)


def _postgres_digest(
    parts: tuple[str, str, str],
    *,
    _encode: Callable[[Any], str] = CANONICAL_ENCODER.encode,
    _loads: Callable[[str], Any] = json.loads,
    _sha256: Any = hashlib.sha256,
) -> str:
    before, detail, after = parts
    return _sha256((before + _encode(_loads(detail)) + after).encode()).hexdigest()


def _fetch_named(sql: str, params: list[Any]) -> Iterator[Any]:
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(PROGRESS_EVERY):
            yield from batch


def _orm_rows(chains: list[str] | None) -> Iterator[Row]:
    """The portable (SQLite) path, in id order like PostgreSQL's."""
    events = AuditEvent.objects.order_by("id")
    if chains is not None:
        events = events.filter(chain__in=chains)
    fields = [
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
        "detail",
        "ip",
        "user_agent",
        "prev_hash",
    ]
    for row in events.values("id", "hash", *fields).iterator(chunk_size=PROGRESS_EVERY):
        yield row["id"], row["hash"], row["chain"], row["seq"], row["prev_hash"], {f: row[f] for f in fields}


def _orm_digest(fields: dict[str, Any]) -> str:
    return event_hash(**fields)


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
    digest: Callable[[Any], str]
    if connection.vendor == "postgresql":
        rows, digest = _postgres_rows(wanted), _postgres_digest
    else:
        rows, digest = _orm_rows(wanted), _orm_digest
    # Per chain: the seq expected next and the hash of the last event seen.
    state: dict[str, tuple[int, str]] = {}
    checked = 0
    for event_id, stored_hash, chain, seq, prev_hash, hashed in rows:
        expected_seq, expected_prev = state.get(chain, (1, ""))
        problem = None
        if seq != expected_seq:
            problem = f"expected seq {expected_seq}"
        elif prev_hash != expected_prev:
            problem = "prev_hash does not link to the previous event"
        elif digest(hashed) != stored_hash:
            problem = "hash does not match the event's content"
        if problem is not None:
            # Read the rest without checking it: abandoning a stream would cancel the query,
            # which aborts the caller's transaction.
            for _rest in rows:
                pass
            return checked, ChainBreak(chain, seq, event_id, problem)
        state[chain] = (seq + 1, stored_hash)
        checked += 1
        if progress is not None and checked % PROGRESS_EVERY == 0:
            progress(PROGRESS_EVERY)
    if progress is not None:
        progress(checked % PROGRESS_EVERY)
    for chain, (next_seq, last_hash) in sorted(state.items()):
        head = head_of.pop(chain, None)
        if head != (next_seq - 1, last_hash):
            return checked, ChainBreak(
                chain, next_seq - 1, None, f"chain head {head} does not match the last event"
            )
    for chain, (seq, _digest) in sorted(head_of.items()):
        if seq:
            return checked, ChainBreak(chain, seq, None, "chain head points at events that do not exist")
    return checked, None


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
