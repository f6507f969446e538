"""Hash-chained audit trail: every event's hash covers its fields and the previous hash.

Editing any stored field breaks that event's hash; deleting an event breaks the
next event's link (and leaves a gap in the sequence). `verify` finds both.
Deleting the *newest* events leaves a shorter chain that is still internally
consistent; to catch that, anchor the head (`head()`: count and hash of the
newest event) somewhere outside the database and pass it back as
``expect_head``: verification then fails unless that event is still in the chain.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from nenboard.store.models import AuditEvent

GENESIS = "0" * 64
FIELDS = ("seq", "at", "actor", "action", "case_id", "report_id", "input_hash", "kb_version",
          "nenboard_version", "detail", "prev_hash")


def event_hash(values: dict[str, Any]) -> str:
    payload = json.dumps({k: values[k] for k in FIELDS}, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(payload.encode()).hexdigest()


def append(session: Session, **fields: Any) -> AuditEvent:
    """Append one event inside the caller's transaction (serialised on PostgreSQL)."""
    if session.bind is not None and session.bind.dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(74221)"))
    last = session.execute(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1)).scalar()
    seq = (last.seq + 1) if last else 1
    values = {"seq": seq, "case_id": None, "report_id": None, "input_hash": None,
              **fields, "prev_hash": last.hash if last else GENESIS}
    values["detail"] = json.dumps(values.get("detail") or {}, sort_keys=True)
    event = AuditEvent(**values, hash=event_hash(values))
    session.add(event)
    session.flush()
    return event


def head(session: Session) -> tuple[int, str]:
    """(number of events, hash of the newest event); GENESIS for an empty trail."""
    last = session.execute(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1)).scalar()
    return (last.seq, last.hash) if last else (0, GENESIS)


def verify(session: Session, expect_head: str | None = None) -> list[str]:
    """Every break in the chain, as readable lines; empty when the trail is intact.

    ``expect_head``: the hash of an event anchored earlier (e.g. the head printed
    by a previous `nenboard audit verify`); it must still be in the chain.
    """
    problems: list[str] = []
    prev_hash, expected_seq = GENESIS, 1
    seen_anchor = expect_head in (None, GENESIS)
    for ev in session.execute(select(AuditEvent).order_by(AuditEvent.seq)).scalars():
        seen_anchor = seen_anchor or ev.hash == expect_head
        values = {k: getattr(ev, k) for k in FIELDS}
        if ev.seq != expected_seq:
            problems.append(f"events {expected_seq}..{ev.seq - 1} are missing (deleted)")
        if ev.prev_hash != prev_hash:
            problems.append(f"event {ev.seq}: link to the previous event is broken "
                            "(an earlier event was edited or deleted)")
        if event_hash(values) != ev.hash:
            problems.append(f"event {ev.seq}: contents do not match its hash (edited)")
        prev_hash, expected_seq = ev.hash, ev.seq + 1
    if not seen_anchor:
        problems.append(f"the expected head event {expect_head} is not in the trail "
                        f"(newest events deleted, or the trail was rewritten); "
                        f"the trail now ends at event {expected_seq - 1}")
    return problems
