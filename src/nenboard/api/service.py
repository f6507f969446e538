"""Service operations shared by the REST routes, CDS Hooks and the browser app."""

from __future__ import annotations

from typing import Any

from fastapi import HTTPException, Request

from nenboard.board import evaluate
from nenboard.board.evaluate import input_hash
from nenboard.case.read import case_from_data
from nenboard.report.model import Report
from nenboard.store.models import StoredCase


def validate_case(request: Request, data: Any):
    return case_from_data(data, request.app.state.kb, "case")


def evaluate_data(request: Request, data: Any, actor: str) -> Report:
    """Validate and evaluate a case document; audit it; store nothing else."""
    case = validate_case(request, data)
    report = evaluate(case, request.app.state.kb)
    request.app.state.store.record(actor, "evaluate_unstored", input_hash=report.input_hash,
                                   detail={"options": [o.therapy for o in report.options]})
    return report


def store_case(request: Request, data: Any, actor: str) -> StoredCase:
    case = validate_case(request, data)
    return request.app.state.store.create_case(case.model_dump(mode="json", exclude_none=True),
                                               input_hash(case), actor)


def stored_case_or_404(request: Request, case_id: str) -> StoredCase:
    stored = request.app.state.store.get_case(case_id)
    if stored is None:
        raise HTTPException(404, f"no case {case_id!r}")
    return stored


def evaluate_stored(request: Request, stored: StoredCase, actor: str) -> tuple[str, Report]:
    case = validate_case(request, stored.data)
    report = evaluate(case, request.app.state.kb)
    saved = request.app.state.store.save_report(stored, report.model_dump(mode="json"), actor)
    return saved.id, report
