"""CDS Hooks (https://cds-hooks.hl7.org): discovery, the `patient-view` service and feedback.

The EHR sends the patient's mCODE Bundle (or a nenboard case) as prefetch; the
service validates it, evaluates it with the board, stores case and report, and
answers with cards that link to the full report in the browser app. Cards carry
no clinical logic of their own: they summarise the Report's options.
"""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import Body, Depends, FastAPI, HTTPException, Request
from pydantic import BaseModel, ConfigDict, Field

from nenboard.api import service
from nenboard.api.auth import Principal, require
from nenboard.case.fhir import bundle_to_case
from nenboard.report.model import Option, Report

SERVICE_ID = "nen-therapy-options"
PREFETCH = {
    "mcodeBundle": "Patient/{{context.patientId}}/$everything",
}
MAX_OPTION_CARDS = 4


class CdsRequest(BaseModel):
    model_config = ConfigDict(extra="allow")

    hook: str = Field(description="must be 'patient-view'")
    hookInstance: str = Field(min_length=1, max_length=200)
    context: dict[str, Any] = Field(default_factory=dict)
    prefetch: dict[str, Any] | None = Field(
        default=None, description="'mcodeBundle': an mCODE FHIR Bundle, or 'case': a "
        "nenboard case document")


class Feedback(BaseModel):
    model_config = ConfigDict(extra="allow")

    card: str = Field(min_length=1, max_length=200)
    outcome: str = Field(pattern="^(accepted|overridden)$")
    outcomeTimestamp: str | None = None
    overrideReason: dict[str, Any] | None = None
    acceptedSuggestions: list[dict[str, Any]] = Field(default_factory=list)


class FeedbackRequest(BaseModel):
    feedback: list[Feedback] = Field(min_length=1, max_length=100)


def discovery() -> dict[str, Any]:
    return {"services": [{
        "hook": "patient-view",
        "id": SERVICE_ID,
        "title": "nenboard: NEN therapy options",
        "description": "Line-by-line therapy options with trial evidence for a patient with a "
                       "gastroenteropancreatic neuroendocrine neoplasm (mCODE input). Supports, "
                       "and does not replace, the tumor board.",
        "prefetch": PREFETCH,
        "usageRequirements": "Send the patient's mCODE Bundle as prefetch 'mcodeBundle' (or a "
                             "nenboard case as 'case'); authenticate with a nenboard API token.",
    }]}


def _short(text: str, limit: int = 139) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _evidence_md(option: Option) -> list[str]:
    extra = option.model_extra or {}
    lines = []
    if extra.get("esmo_level"):
        lines.append(f"**Evidence:** ESMO level {extra['esmo_level']}")
    if extra.get("escat_tier"):
        lines.append(f"**Molecular:** ESCAT tier {extra['escat_tier']}")
    evidence = option.evidence if isinstance(option.evidence, list) else []
    for e in evidence[:3]:
        if isinstance(e, dict) and e.get("summary"):
            lines.append(f"- {e['summary']}")
    rationale = option.rationale if isinstance(option.rationale, list) else [option.rationale]
    for r in [r for r in rationale if isinstance(r, str)][:1]:
        lines.append(f"\n{r}")
    cites = "; ".join(f"{c.source} ref {c.ref} ({c.locator})" if c.ref else
                      f"{c.source} ({c.locator})" for c in option.citations[:4])
    if cites:
        lines.append(f"\n*Sources:* {cites}")
    return lines


def cards_for(report: Report, report_url: str, kb_version: str) -> list[dict[str, Any]]:
    source = {"label": f"nenboard (knowledge base {kb_version})", "topic": {
        "code": "nen-therapy-options", "display": "NEN therapy options"}}
    link = [{"label": "Full nenboard report", "url": report_url, "type": "absolute"}]
    cards: list[dict[str, Any]] = []
    c = report.classification
    who = getattr(c, "who_label", None) or "classification incomplete"
    warnings = list(getattr(c, "warnings", []) or [])
    if warnings:
        cards.append({
            "uuid": str(uuid.uuid4()), "indicator": "warning", "source": source, "links": link,
            "summary": _short(f"{who}: {len(warnings)} classification warning(s) to review"),
            "detail": "\n".join(f"- {getattr(w, 'message', w)}" for w in warnings),
        })
    ranked = [o for o in report.options if o.category in ("standard", "alternative")]
    for option in ranked[:MAX_OPTION_CARDS]:
        cards.append({
            "uuid": str(uuid.uuid4()), "indicator": "info", "source": source, "links": link,
            "summary": _short(f"{option.category.title()} option ({who}): {option.name}"),
            "detail": "\n".join(_evidence_md(option)),
        })
    trials = [o for o in report.options if o.category == "trial"]
    if not ranked:
        cards.append({"uuid": str(uuid.uuid4()), "indicator": "info", "source": source,
                      "links": link,
                      "summary": _short(f"{who}: no standard option found; see the report"),
                      "detail": "Missing facts are listed in the report's 'to complete' section."})
    if trials or report.resistance:
        cards.append({
            "uuid": str(uuid.uuid4()), "indicator": "info", "source": source, "links": link,
            "summary": _short(f"{len(trials)} trial-based option(s) and "
                              f"{len(report.resistance)} resistance analysis(es) in the report"),
            "detail": "Trial evidence, eligibility criteria and resistance mechanisms are in the "
                      "full report.\n\n" + report.disclaimer,
        })
    return cards


def register(app: FastAPI) -> None:
    viewer, clinician = Depends(require("viewer")), Depends(require("clinician"))

    @app.get("/cds-services", tags=["cds-hooks"])
    def cds_discovery(who: Principal = viewer) -> dict[str, Any]:
        """CDS Hooks discovery."""
        return discovery()

    @app.post(f"/cds-services/{SERVICE_ID}", tags=["cds-hooks"],
              responses={412: {"description": "prefetch missing"}})
    def cds_call(request: Request, body: CdsRequest = Body(...),
                 who: Principal = clinician) -> dict[str, Any]:
        """`patient-view`: evaluate the prefetched mCODE Bundle or case and answer with cards."""
        if body.hook != "patient-view":
            raise HTTPException(400, f"hook {body.hook!r} is not supported; use 'patient-view'")
        prefetch = body.prefetch or {}
        unmapped: list[dict[str, Any]] = []
        if isinstance(prefetch.get("case"), dict):
            data = prefetch["case"]
        elif isinstance(prefetch.get("mcodeBundle"), dict):
            mapped = bundle_to_case(prefetch["mcodeBundle"], request.app.state.kb)
            data, unmapped = mapped.case, mapped.unmapped
        else:
            raise HTTPException(412, "prefetch 'mcodeBundle' (an mCODE Bundle) or 'case' is "
                                     "required; this service does not query the FHIR server")
        stored = service.store_case(request, data, who.name)
        report_id, report = service.evaluate_stored(request, stored, who.name)
        request.app.state.store.record(who.name, "cds_call", case_id=stored.id,
                                       report_id=report_id, input_hash=report.input_hash,
                                       detail={"hookInstance": body.hookInstance,
                                               "unmapped": len(unmapped)})
        url = str(request.url_for("ui_report", report_id=report_id))
        return {"cards": cards_for(report, url, request.app.state.kb.version)}

    @app.post(f"/cds-services/{SERVICE_ID}/feedback", tags=["cds-hooks"])
    def cds_feedback(request: Request, body: FeedbackRequest = Body(...),
                     who: Principal = viewer) -> dict[str, Any]:
        """Card feedback (accepted / overridden) appended to the audit trail."""
        for fb in body.feedback:
            reason = (fb.overrideReason or {}).get("reason", {})
            request.app.state.store.record(who.name, "cds_feedback", detail={
                "card": fb.card, "outcome": fb.outcome, "at": fb.outcomeTimestamp,
                "override_reason": reason.get("code") if isinstance(reason, dict) else None,
                "accepted_suggestions": len(fb.acceptedSuggestions)})
        return {"recorded": len(body.feedback)}
