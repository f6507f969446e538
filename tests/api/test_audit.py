"""The hash-chained audit trail: what is recorded, and that edits, deletions and
truncation are detected (on every backend)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from nenboard import __version__


def _evaluated_case(svc: Any, case: dict) -> tuple[str, str]:
    case_id = svc.client.post("/cases", json=case, headers=svc.auth("clinician")).json()["id"]
    report_id = svc.client.post(f"/cases/{case_id}/evaluate",
                                headers=svc.auth("clinician")).json()["report_id"]
    svc.client.get(f"/reports/{report_id}", headers=svc.auth("viewer"))
    return case_id, report_id


def test_evaluations_views_and_changes_are_recorded(svc: Any, si_net_case: dict) -> None:
    case_id, report_id = _evaluated_case(svc, si_net_case)
    events = [e for e in reversed(svc.store.audit_events(limit=50)) if e.case_id == case_id]
    actions = [e.action for e in events]
    assert actions[:3] == ["case_create", "evaluate", "view_report"]
    evaluate = events[1]
    assert evaluate.actor == "test-clinician"
    assert evaluate.report_id == report_id
    assert evaluate.kb_version == svc.app.state.kb.version
    assert evaluate.nenboard_version == __version__
    assert len(evaluate.input_hash) == 64
    assert events[2].actor == "test-viewer"
    assert svc.store.verify_audit() == []


def test_no_patient_data_in_the_trail(svc: Any, si_net_case: dict) -> None:
    _evaluated_case(svc, si_net_case)
    for e in svc.store.audit_events(limit=20):
        assert "jejunum" not in e.detail and "octreotide" not in e.detail.lower()


def test_edit_delete_and_truncation_are_detected(svc: Any, si_net_case: dict) -> None:
    for _ in range(2):
        _evaluated_case(svc, si_net_case)
    count, head = svc.store.audit_head()
    assert count >= 6 and svc.store.verify_audit(expect_head=head) == []
    with svc.store.session() as s:
        actor = s.execute(text("SELECT actor FROM audit_events WHERE seq = :n"),
                          {"n": count - 2}).scalar_one()
        s.execute(text("UPDATE audit_events SET actor = 'mallory' WHERE seq = :n"),
                  {"n": count - 2})
    problems = svc.store.verify_audit()
    assert any(f"event {count - 2}: contents do not match" in p for p in problems)
    with svc.store.session() as s:  # put it back, then delete one in the middle
        s.execute(text("UPDATE audit_events SET actor = :a WHERE seq = :n"),
                  {"a": actor, "n": count - 2})
    assert svc.store.verify_audit() == []
    with svc.store.session() as s:
        row = s.execute(text("SELECT * FROM audit_events WHERE seq = :n"),
                        {"n": count - 3}).mappings().one()
        s.execute(text("DELETE FROM audit_events WHERE seq = :n"), {"n": count - 3})
    problems = svc.store.verify_audit()
    assert any("missing" in p for p in problems) and any("link" in p for p in problems)
    with svc.store.session() as s:
        s.execute(text("INSERT INTO audit_events (seq, at, actor, action, case_id, report_id, "
                       "input_hash, kb_version, nenboard_version, detail, prev_hash, hash) "
                       "VALUES (:seq, :at, :actor, :action, :case_id, :report_id, :input_hash, "
                       ":kb_version, :nenboard_version, :detail, :prev_hash, :hash)"), dict(row))
    assert svc.store.verify_audit() == []
    with svc.store.session() as s:  # truncate the newest event: the chain stays consistent
        s.execute(text("DELETE FROM audit_events WHERE seq = :n"), {"n": count})
    assert svc.store.verify_audit() == []
    problems = svc.store.verify_audit(expect_head=head)
    assert problems and "expected head" in problems[0]
