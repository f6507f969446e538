"""REST API: every endpoint, auth (401/403), validation (422), size limit (413), no traces."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from nenboard.api.app import MAX_BODY

PROTECTED = [("get", "/cases"), ("post", "/evaluate"), ("post", "/cases"), ("get", "/cases/x"),
             ("post", "/cases/x/evaluate"), ("get", "/reports/x"), ("get", "/kb/drugs"),
             ("get", "/kb/trials"), ("get", "/kb/search?q=x"), ("get", "/kb/records/x"),
             ("post", "/fhir/evaluate"), ("get", "/cds-services"),
             ("post", "/cds-services/nen-therapy-options"),
             ("post", "/cds-services/nen-therapy-options/feedback")]


def test_health_and_openapi_need_no_token(svc: Any) -> None:
    health = svc.client.get("/health")
    assert health.status_code == 200
    assert health.json()["status"] == "ok"
    assert health.json()["kb_version"] == svc.app.state.kb.version
    paths = svc.client.get("/openapi.json").json()["paths"]
    for path in ("/evaluate", "/cases", "/cases/{case_id}", "/cases/{case_id}/evaluate",
                 "/reports/{report_id}", "/kb/drugs", "/kb/trials", "/kb/search",
                 "/kb/records/{record_id}", "/fhir/evaluate", "/cds-services"):
        assert path in paths


@pytest.mark.parametrize(("method", "path"), PROTECTED)
def test_every_endpoint_needs_a_token(svc: Any, method: str, path: str) -> None:
    missing = svc.client.request(method, path, json={})
    assert missing.status_code == 401
    assert missing.headers["www-authenticate"] == "Bearer"
    wrong = svc.client.request(method, path, json={}, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401


@pytest.mark.parametrize(("method", "path"), [("post", "/evaluate"), ("post", "/cases"),
                                              ("post", "/cases/x/evaluate"),
                                              ("post", "/fhir/evaluate"),
                                              ("post", "/cds-services/nen-therapy-options")])
def test_viewers_may_not_evaluate_or_store(svc: Any, method: str, path: str) -> None:
    r = svc.client.request(method, path, json={}, headers=svc.auth("viewer"))
    assert r.status_code == 403
    assert "clinician" in r.json()["detail"]


def test_422_names_the_field_and_the_allowed_range(svc: Any, si_net_case: dict) -> None:
    bad = copy.deepcopy(si_net_case)
    bad["tumor"]["ki67"] = 150
    bad["tumor"]["ki_67"] = 3
    r = svc.client.post("/evaluate", json=bad, headers=svc.auth("clinician"))
    assert r.status_code == 422
    detail = {d["loc"]: d for d in r.json()["detail"]}
    assert "0 to 100" in detail["tumor.ki67"]["msg"]
    assert detail["tumor.ki67"]["value"] == 150
    assert "unknown key" in detail["tumor.ki_67"]["msg"]
    assert "Traceback" not in r.text


def test_422_for_non_object_bodies_and_unknown_therapies(svc: Any) -> None:
    r = svc.client.post("/evaluate", json=[1, 2], headers=svc.auth("clinician"))
    assert r.status_code == 422
    r = svc.client.post("/cases", json={"history": [{"therapy": "unobtainium"}]},
                        headers=svc.auth("clinician"))
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == "history[0].therapy"


def test_413_for_oversized_bodies(svc: Any) -> None:
    body = b'{"notes": "' + b"x" * (MAX_BODY + 10) + b'"}'
    r = svc.client.post("/evaluate", content=body, headers={
        **svc.auth("clinician"), "content-type": "application/json"})
    assert r.status_code == 413


def test_internal_errors_carry_no_stack_trace(svc: Any, si_net_case: dict,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    import nenboard.api.service as service

    def boom(*_: Any, **__: Any) -> None:
        raise RuntimeError("secret internals /etc/passwd")

    monkeypatch.setattr(service, "evaluate", boom)
    r = svc.client.post("/evaluate", json=si_net_case, headers=svc.auth("clinician"))
    assert r.status_code == 500
    assert r.json() == {"detail": "internal error"}


def test_evaluate_returns_the_report_and_stores_no_case(svc: Any, si_net_case: dict) -> None:
    before = svc.client.get("/cases", headers=svc.auth("viewer")).json()["total"]
    r = svc.client.post("/evaluate", json=si_net_case, headers=svc.auth("clinician"))
    assert r.status_code == 200
    report = r.json()
    options = {o["therapy"] for o in report["options"] if o["category"] == "standard"}
    assert {"prrt-lu177-dotatate", "everolimus"} <= options
    assert report["kb_version"] == svc.app.state.kb.version
    assert svc.client.get("/cases", headers=svc.auth("viewer")).json()["total"] == before
    last = svc.store.audit_events(limit=5)
    assert any(e.action == "evaluate_unstored" and e.input_hash == report["input_hash"]
               for e in last)


def test_case_lifecycle_and_report_formats(svc: Any, si_net_case: dict) -> None:
    created = svc.client.post("/cases", json=si_net_case, headers=svc.auth("clinician"))
    assert created.status_code == 201
    case_id = created.json()["id"]
    assert created.json()["label"] == "si-net-after-ssa"

    listed = svc.client.get("/cases?limit=500", headers=svc.auth("viewer")).json()
    assert case_id in [c["id"] for c in listed["cases"]]

    got = svc.client.get(f"/cases/{case_id}", headers=svc.auth("viewer")).json()
    assert got["case"]["tumor"]["ki67"] == 12
    assert got["reports"] == []

    ev = svc.client.post(f"/cases/{case_id}/evaluate", headers=svc.auth("clinician"))
    assert ev.status_code == 201
    report_id = ev.json()["report_id"]
    assert svc.client.get(f"/cases/{case_id}", headers=svc.auth("viewer")).json()["reports"] \
        == [report_id]

    as_json = svc.client.get(f"/reports/{report_id}", headers=svc.auth("viewer"))
    assert as_json.status_code == 200
    assert as_json.json()["input_hash"] == ev.json()["report"]["input_hash"]
    html = svc.client.get(f"/reports/{report_id}?format=html", headers=svc.auth("viewer"))
    assert html.headers["content-type"].startswith("text/html")
    assert "177Lu-DOTATATE" in html.text and "verolimus" in html.text
    bad = svc.client.get(f"/reports/{report_id}?format=docx", headers=svc.auth("viewer"))
    assert bad.status_code == 422


@pytest.mark.slow
def test_report_as_pdf(svc: Any, si_net_case: dict) -> None:
    if svc.store.url.startswith("postgresql"):
        pytest.skip("the PDF renderer does not depend on the backend; checked on SQLite")
    case_id = svc.client.post("/cases", json=si_net_case, headers=svc.auth("clinician")).json()["id"]
    report_id = svc.client.post(f"/cases/{case_id}/evaluate",
                                headers=svc.auth("clinician")).json()["report_id"]
    pdf = svc.client.get(f"/reports/{report_id}?format=pdf", headers=svc.auth("viewer"))
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


@pytest.mark.parametrize("path", ["/cases/nope", "/reports/nope", "/kb/records/nope"])
def test_404s(svc: Any, path: str) -> None:
    r = svc.client.get(path, headers=svc.auth("viewer"))
    assert r.status_code == 404


def test_knowledge_base_endpoints(svc: Any) -> None:
    h = svc.auth("viewer")
    drugs = {d["id"]: d for d in svc.client.get("/kb/drugs", headers=h).json()}
    assert "everolimus" in drugs and drugs["everolimus"]["status"] == "approved"
    trials = {t["id"]: t for t in svc.client.get("/kb/trials", headers=h).json()}
    assert "NCT01578239" in trials["netter-1"]["nct"]
    hits = svc.client.get("/kb/search", params={"q": "afinitor"}, headers=h).json()
    assert hits and hits[0]["id"] == "everolimus"
    assert svc.client.get("/kb/search", params={"q": ""}, headers=h).status_code == 422
    record = svc.client.get("/kb/records/NETTER-1", headers=h).json()
    assert record["kind"] == "trials"
    assert record["record"]["citations"][0]["source"]
