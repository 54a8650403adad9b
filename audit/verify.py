"""Walking the audit chains: recompute every hash and check the links, the heads and anchors."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from audit.chain import HASHED_FIELDS, event_hash
from audit.models import AuditChainHead, AuditEvent


@dataclass(frozen=True)
class ChainBreak:
    """The first event (or head) that does not verify."""

    chain: str
    seq: int | None
    event_id: int | None
    problem: str

    def __str__(self) -> str:
        return f"audit event id={self.event_id} chain={self.chain} seq={self.seq}: {self.problem}"


def verify_chains(
    *,
    chains: Iterable[str] | None = None,
    progress: Callable[[int], Any] | None = None,
    chunk_size: int = 20000,
) -> tuple[int, ChainBreak | None]:
    """Return (events checked, first break or None). ``chains`` None means every chain."""
    events = AuditEvent.objects.order_by("chain", "seq")
    heads = AuditChainHead.objects.all()
    if chains is not None:
        chains = list(chains)
        events = events.filter(chain__in=chains)
        heads = heads.filter(chain__in=chains)
    head_of = {chain: (seq, digest) for chain, seq, digest in heads.values_list("chain", "seq", "hash")}
    checked = 0
    current: str | None = None
    expected_seq, prev_hash = 1, ""

    def close(chain: str) -> ChainBreak | None:
        head = head_of.pop(chain, None)
        if head != (expected_seq - 1, prev_hash):
            return ChainBreak(
                chain, expected_seq - 1, None, f"chain head {head} does not match the last event"
            )
        return None

    for row in events.values_list("id", "hash", *HASHED_FIELDS).iterator(chunk_size=chunk_size):
        event_id, stored_hash = row[0], row[1]
        fields = dict(zip(HASHED_FIELDS, row[2:], strict=True))
        chain, seq = fields["chain"], fields["seq"]
        if chain != current:
            if current is not None and (problem := close(current)):
                return checked, problem
            current, expected_seq, prev_hash = chain, 1, ""
        if seq != expected_seq:
            return checked, ChainBreak(chain, seq, event_id, f"expected seq {expected_seq}")
        if fields["prev_hash"] != prev_hash:
            return checked, ChainBreak(chain, seq, event_id, "prev_hash does not link to the previous event")
        if event_hash(**fields) != stored_hash:
            return checked, ChainBreak(chain, seq, event_id, "hash does not match the event's content")
        prev_hash = stored_hash
        expected_seq += 1
        checked += 1
        if progress is not None:
            progress(1)
    if current is not None and (problem := close(current)):
        return checked, problem
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
