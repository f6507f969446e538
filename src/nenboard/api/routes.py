"""REST endpoints: evaluate, cases, reports, knowledge base, health."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import Body, Depends, FastAPI, File, HTTPException, Query, Request, UploadFile
from fastapi.responses import Response

from nenboard import __version__
from nenboard.api import service
from nenboard.api.auth import Principal, require
from nenboard.report.model import Report

CaseBody = Body(..., description="a case document (DESIGN.md case format)",
                examples=[{"tumor": {"primary_site": "pancreas", "differentiation": "well",
                                     "ki67": 8}}])


def register(app: FastAPI) -> None:
    viewer, clinician = Depends(require("viewer")), Depends(require("clinician"))

    @app.get("/health", tags=["service"])
    def health(request: Request) -> dict[str, str]:
        return {"status": "ok", "version": __version__, "kb_version": request.app.state.kb.version}

    @app.post("/evaluate", tags=["evaluate"], response_model=Report)
    def evaluate_case(request: Request, case: dict[str, Any] = CaseBody,
                      who: Principal = clinician) -> Report:
        """Evaluate a case and return its Report; nothing is stored but the audit event."""
        return service.evaluate_data(request, case, who.name)

    @app.post("/cases", tags=["cases"], status_code=201)
    def create_case(request: Request, case: dict[str, Any] = CaseBody,
                    who: Principal = clinician) -> dict[str, Any]:
        stored = service.store_case(request, case, who.name)
        return {"id": stored.id, "label": stored.label, "input_hash": stored.input_hash}

    @app.post("/cases/upload", tags=["cases"], status_code=201)
    async def upload_case(request: Request, file: UploadFile = File(
            ..., description="a YAML or JSON case file (DESIGN.md case format)"),
            who: Principal = clinician) -> dict[str, Any]:
        """Read a case file as the CLI reads it, validate and store it; 422 lists every problem."""
        from nenboard.api.web import MAX_UPLOAD, read_upload

        data = read_upload(await file.read(MAX_UPLOAD + 1), file.filename or "case")
        stored = service.store_case(request, data, who.name)
        return {"id": stored.id, "label": stored.label, "input_hash": stored.input_hash}

    @app.get("/cases", tags=["cases"])
    def list_cases(request: Request, limit: int = Query(50, ge=1, le=500),
                   offset: int = Query(0, ge=0, le=10_000_000),
                   who: Principal = viewer) -> dict[str, Any]:
        rows, total = request.app.state.store.list_cases(limit, offset)
        request.app.state.store.record(who.name, "list_cases")
        return {"total": total, "cases": [
            {"id": c.id, "label": c.label, "created_at": c.created_at.isoformat(),
             "created_by": c.created_by} for c in rows]}

    @app.get("/cases/{case_id}", tags=["cases"])
    def get_case(request: Request, case_id: str, who: Principal = viewer) -> dict[str, Any]:
        stored = service.stored_case_or_404(request, case_id)
        request.app.state.store.record(who.name, "view_case", case_id=stored.id,
                                       input_hash=stored.input_hash)
        reports = request.app.state.store.reports_for(stored.id)
        return {"id": stored.id, "label": stored.label, "case": stored.data,
                "input_hash": stored.input_hash, "reports": [r.id for r in reports]}

    @app.post("/cases/{case_id}/evaluate", tags=["cases"], status_code=201)
    def evaluate_stored(request: Request, case_id: str,
                        who: Principal = clinician) -> dict[str, Any]:
        stored = service.stored_case_or_404(request, case_id)
        report_id, report = service.evaluate_stored(request, stored, who.name)
        return {"report_id": report_id, "report": report.model_dump(mode="json")}

    @app.get("/reports/{report_id}", tags=["reports"],
             responses={200: {"content": {"application/json": {}, "text/html": {},
                                          "application/pdf": {}}}})
    def get_report(request: Request, report_id: str,
                   format: Literal["json", "html", "pdf"] = Query("json"),
                   who: Principal = viewer) -> Response:
        stored = request.app.state.store.get_report(report_id)
        if stored is None:
            raise HTTPException(404, f"no report {report_id!r}")
        request.app.state.store.record(who.name, "view_report", case_id=stored.case_id,
                                       report_id=stored.id, detail={"format": format})
        from nenboard.report.render import MEDIA_TYPES, render_report

        body = render_report(Report.model_validate(stored.data), request.app.state.kb, format)
        return Response(body, media_type=MEDIA_TYPES[format])

    @app.post("/fhir/evaluate", tags=["evaluate"])
    def fhir_evaluate(request: Request, bundle: dict[str, Any] = Body(
            ..., description="an mCODE (STU4, FHIR R4) Bundle"),
            who: Principal = clinician) -> dict[str, Any]:
        """Map an mCODE Bundle to a case and evaluate it; nothing is stored but the audit event.

        Returns the mapped case, what did not map (with reasons) and the Report.
        """
        from nenboard.case.fhir import bundle_to_case

        mapped = bundle_to_case(bundle, request.app.state.kb)
        report = service.evaluate_data(request, mapped.case, who.name)
        return {"case": mapped.case, "mapped": mapped.mapped, "unmapped": mapped.unmapped,
                "report": report.model_dump(mode="json")}

    @app.get("/kb/drugs", tags=["knowledge"])
    def kb_drugs(request: Request, who: Principal = viewer) -> list[dict[str, Any]]:
        return [{"id": d.id, "name": d.name, "class": d.drug_class, "synonyms": d.synonyms,
                 "status": d.status} for d in request.app.state.kb.drugs.values()]

    @app.get("/kb/trials", tags=["knowledge"])
    def kb_trials(request: Request, who: Principal = viewer) -> list[dict[str, Any]]:
        return [{"id": t.id, "name": t.name, "nct": t.nct, "phase": t.phase, "status": t.status}
                for t in request.app.state.kb.trials.values()]

    @app.get("/kb/search", tags=["knowledge"])
    def kb_search(request: Request, q: str = Query(..., min_length=1, max_length=200),
                  who: Principal = viewer) -> list[dict[str, Any]]:
        from nenboard.knowledge.search import search

        return [{"kind": kind, "id": rec.id, "name": getattr(rec, "name", rec.id)}
                for kind, rec, _ in search(request.app.state.kb, q)]

    @app.get("/kb/records/{record_id}", tags=["knowledge"])
    def kb_record(request: Request, record_id: str, who: Principal = viewer) -> dict[str, Any]:
        found = request.app.state.kb.record(record_id)
        if found is None:
            raise HTTPException(404, f"no knowledge-base record {record_id!r}")
        kind, rec = found
        return {"kind": kind, "record": rec.model_dump(mode="json", by_alias=True)}
