"""CDS Hooks: discovery, patient-view cards from an mCODE prefetch, feedback into the audit."""

from __future__ import annotations

import uuid
from typing import Any

SERVICE = "/cds-services/nen-therapy-options"


def _call(svc: Any, prefetch: dict | None) -> Any:
    body = {"hook": "patient-view", "hookInstance": str(uuid.uuid4()),
            "context": {"userId": "Practitioner/1", "patientId": "pt-1"}}
    if prefetch is not None:
        body["prefetch"] = prefetch
    return svc.client.post(SERVICE, json=body, headers=svc.auth("clinician"))


def test_discovery(svc: Any) -> None:
    r = svc.client.get("/cds-services", headers=svc.auth("viewer"))
    [service] = r.json()["services"]
    assert service["id"] == "nen-therapy-options" and service["hook"] == "patient-view"
    assert "mcodeBundle" in service["prefetch"]


def test_patient_view_cards_from_an_mcode_bundle(svc: Any, mcode_bundle: dict) -> None:
    r = _call(svc, {"mcodeBundle": mcode_bundle})
    assert r.status_code == 200
    cards = r.json()["cards"]
    assert cards
    kb_version = svc.app.state.kb.version
    for card in cards:
        assert len(card["summary"]) < 140
        assert card["indicator"] in ("info", "warning", "critical")
        assert card["source"]["label"] == f"nenboard (knowledge base {kb_version})"
        assert card["links"][0]["type"] == "absolute"
        assert "/ui/reports/" in card["links"][0]["url"]
        uuid.UUID(card["uuid"])
    text = " ".join(c["summary"] for c in cards)
    assert "177Lu-DOTATATE" in text and "verolimus" in text
    prrt = next(c for c in cards if "177Lu" in c["summary"])
    assert "ESMO level I" in prrt["detail"] and "NETTER-1" in prrt["detail"]
    report_path = prrt["links"][0]["url"].split("testserver", 1)[1]
    page = svc.client.get(report_path, headers=svc.auth("viewer"))
    assert page.status_code == 200 and "177Lu-DOTATATE" in page.text
    assert any(e.action == "cds_call" for e in svc.store.audit_events(limit=5))


def test_patient_view_accepts_a_nenboard_case(svc: Any, si_net_case: dict) -> None:
    r = _call(svc, {"case": si_net_case})
    assert r.status_code == 200 and r.json()["cards"]


def test_missing_prefetch_is_412_and_bad_hooks_400(svc: Any) -> None:
    assert _call(svc, None).status_code == 412
    body = {"hook": "order-select", "hookInstance": "x", "prefetch": {"case": {}}}
    assert svc.client.post(SERVICE, json=body, headers=svc.auth("clinician")).status_code == 400


def test_feedback_is_audited(svc: Any) -> None:
    card = str(uuid.uuid4())
    r = svc.client.post(f"{SERVICE}/feedback", headers=svc.auth("clinician"), json={
        "feedback": [{"card": card, "outcome": "overridden",
                      "outcomeTimestamp": "2024-09-02T10:20:00Z",
                      "overrideReason": {"reason": {"code": "patient-preference"},
                                         "userComment": "free text stays out of the trail"}}]})
    assert r.status_code == 200 and r.json() == {"recorded": 1}
    event = svc.store.audit_events(limit=1)[0]
    assert event.action == "cds_feedback" and card in event.detail
    assert "patient-preference" in event.detail and "free text" not in event.detail
    bad = svc.client.post(f"{SERVICE}/feedback", headers=svc.auth("clinician"),
                          json={"feedback": [{"card": card, "outcome": "maybe"}]})
    assert bad.status_code == 422
    assert svc.store.verify_audit() == []
