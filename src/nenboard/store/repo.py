"""The store: users and tokens, cases, reports, audit events (one class, thin)."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from nenboard import __version__
from nenboard.store import audit
from nenboard.store.db import default_url, session_factory, upgrade
from nenboard.store.models import AuditEvent, StoredCase, StoredReport, User

ROLES = ("viewer", "clinician", "curator")


def hash_token(token: str) -> str:
    """API tokens are 256-bit random strings, so one SHA-256 is enough to store them."""
    return hashlib.sha256(token.encode()).hexdigest()


class Store:
    def __init__(self, url: str | None = None, kb_version: str = "") -> None:
        self.url = url or default_url()
        upgrade(self.url)
        self._sessions = session_factory(self.url)
        self.kb_version = kb_version
        # Audit appends read the newest event then write the next one; serialise them
        # within this process (PostgreSQL additionally takes an advisory lock).
        self._lock = threading.RLock()

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self._lock, self._sessions.begin() as s:
            yield s

    # -- users ----------------------------------------------------------------------------
    def add_user(self, name: str, role: str) -> str:
        """Create a user and return its token (shown once; only its hash is stored)."""
        if role not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)}")
        token = "nbt_" + secrets.token_urlsafe(32)
        with self.session() as s:
            if s.execute(select(User).where(User.name == name)).scalar():
                raise ValueError(f"user {name!r} already exists")
            s.add(User(name=name, role=role, token_hash=hash_token(token)))
            self._audit(s, actor="cli", action="user_add", detail={"user": name, "role": role})
        return token

    def user_for_token(self, token: str) -> User | None:
        with self.session() as s:
            return s.execute(select(User).where(User.token_hash == hash_token(token),
                                                User.active.is_(True))).scalar()

    # -- cases and reports -----------------------------------------------------------------
    def create_case(self, data: dict[str, Any], input_hash: str, actor: str) -> StoredCase:
        case = StoredCase(id=uuid.uuid4().hex, label=data.get("id"), data=data,
                          input_hash=input_hash, created_by=actor)
        with self.session() as s:
            s.add(case)
            self._audit(s, actor=actor, action="case_create", case_id=case.id,
                        input_hash=input_hash)
        return case

    def get_case(self, case_id: str) -> StoredCase | None:
        with self.session() as s:
            return s.get(StoredCase, case_id)

    def list_cases(self, limit: int = 100, offset: int = 0) -> tuple[list[StoredCase], int]:
        with self.session() as s:
            total = s.execute(select(func.count()).select_from(StoredCase)).scalar_one()
            rows = s.execute(select(StoredCase).order_by(StoredCase.created_at.desc(),
                                                         StoredCase.id)
                             .limit(limit).offset(offset)).scalars().all()
            return list(rows), total

    def save_report(self, case: StoredCase, report: dict[str, Any], actor: str) -> StoredReport:
        stored = StoredReport(id=uuid.uuid4().hex, case_id=case.id, data=report,
                              kb_version=report["kb_version"],
                              nenboard_version=report["nenboard_version"],
                              content_hash=report["content_hash"], created_by=actor)
        with self.session() as s:
            s.add(stored)
            self._audit(s, actor=actor, action="evaluate", case_id=case.id, report_id=stored.id,
                        input_hash=report["input_hash"],
                        detail={"options": [o["therapy"] for o in report["options"]]})
        return stored

    def get_report(self, report_id: str) -> StoredReport | None:
        with self.session() as s:
            return s.get(StoredReport, report_id)

    def reports_for(self, case_id: str) -> list[StoredReport]:
        with self.session() as s:
            return list(s.execute(select(StoredReport).where(StoredReport.case_id == case_id)
                                  .order_by(StoredReport.created_at)).scalars())

    def previous_report(self, report: StoredReport) -> StoredReport | None:
        """The evaluation of the same case just before ``report`` (the audit trail orders
        evaluations exactly; timestamps have one-second resolution)."""
        with self.session() as s:
            order = list(s.execute(select(AuditEvent.report_id).where(
                AuditEvent.action == "evaluate", AuditEvent.case_id == report.case_id)
                .order_by(AuditEvent.seq)).scalars())
            if report.id not in order or order.index(report.id) == 0:
                return None
            return s.get(StoredReport, order[order.index(report.id) - 1])

    # -- audit -----------------------------------------------------------------------------
    def record(self, actor: str, action: str, **fields: Any) -> None:
        with self.session() as s:
            self._audit(s, actor=actor, action=action, **fields)

    def _audit(self, s: Session, **fields: Any) -> AuditEvent:
        now = dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")
        return audit.append(s, at=now, kb_version=self.kb_version or "-",
                            nenboard_version=__version__, **fields)

    def audit_events(self, limit: int = 1000) -> list[AuditEvent]:
        with self.session() as s:
            return list(s.execute(select(AuditEvent).order_by(AuditEvent.seq.desc())
                                  .limit(limit)).scalars())

    def audit_head(self) -> tuple[int, str]:
        with self.session() as s:
            return audit.head(s)

    def verify_audit(self, expect_head: str | None = None) -> list[str]:
        with self.session() as s:
            return audit.verify(s, expect_head)
