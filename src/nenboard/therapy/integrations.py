"""Options from the other engines, guarded so the planner works without them.

* `nenboard.trials.match.match_trials(case, kb)`: eligible and possibly eligible
  trials open to enrolment (recruiting or not yet recruiting) become
  ``category: trial`` options.
* `nenboard.genomics.annotate_case(case, kb)`: tiered, actionable alterations
  with matched drugs become ``category: investigational`` options carrying the
  ESCAT tier in the rationale.

Either engine may be absent (not built yet) or return records as objects or
mappings; an engine that fails is reported in ``Plan.integrations`` and
never breaks the plan.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from nenboard.case.model import Case
from nenboard.knowledge.loader import KnowledgeBase
from nenboard.knowledge.schema import Citation
from nenboard.therapy.evidence import trial_evidence
from nenboard.therapy.model import Integration, Option

OFFERED_ELIGIBILITY = ("eligible", "possibly_eligible")
OPEN_STATUSES = ("recruiting", "not_yet_recruiting")  # a patient can still enrol
ACTIONABLE_TIERS = ("I-A", "I-B", "I-C", "II-A", "II-B", "III-A", "III-B")


def field(obj: Any, *names: str) -> Any:
    """The first present attribute or key of ``obj`` among ``names``."""
    for name in names:
        value = obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)
        if value is not None:
            return value
    return None


def _text(value: Any) -> str:
    return str(getattr(value, "value", value))


def _citations(raw: Any) -> list[Citation]:
    out = []
    for c in raw or []:
        try:
            out.append(c if isinstance(c, Citation) else Citation.model_validate(
                c.model_dump() if hasattr(c, "model_dump") else c))
        except (ValueError, TypeError):
            continue
    return out


def load_engine(module: str, function: str) -> Callable[..., Any] | None:
    try:
        mod = importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name and module.startswith(exc.name):
            return None
        raise
    fn = getattr(mod, function, None)
    return fn if callable(fn) else None


def _run(name: str, module: str, function: str, case: Case, kb: KnowledgeBase,
         fallback: str | None = None) -> tuple[Any, Integration]:
    fn = load_engine(module, function)
    if fn is None and fallback:
        fn, module = load_engine(fallback, function), fallback
    if fn is None:
        return None, Integration(name=name, status="not_available",
                                 detail=f"{module}.{function} is not installed")
    try:
        return fn(case, kb), Integration(name=name, status="used", detail=f"{module}.{function}")
    except Exception as exc:  # another engine failing must not break the plan
        return None, Integration(name=name, status="error",
                                 detail=f"{module}.{function}: {type(exc).__name__}: {exc}")


def _items(result: Any, *keys: str) -> list[Any]:
    if result is None:
        return []
    if isinstance(result, list | tuple):
        return list(result)
    inner = field(result, *keys)
    return list(inner) if inner is not None else []


def trial_options(case: Case, kb: KnowledgeBase, line: str) -> tuple[list[Option], Integration]:
    result, status = _run("trials", "nenboard.trials.match", "match_trials", case, kb)
    options = []
    for m in _items(result, "matches"):
        eligibility = _text(field(m, "eligibility") or "")
        if eligibility not in OFFERED_ELIGIBILITY:
            continue
        tid = field(m, "trial", "trial_id", "id")
        tid = field(tid, "id") if tid is not None and not isinstance(tid, str) else tid
        trial = kb.trials.get(str(tid)) if tid else None
        if trial is None:
            nct = field(m, "nct")
            ncts = [nct] if isinstance(nct, str) else [_text(n) for n in nct or []]
            trial = next((t for t in kb.trials.values() if set(t.nct) & set(ncts)), None)
        if trial is None or trial.status not in OPEN_STATUSES:
            continue
        therapies = [t for arm in trial.arms for t in arm.therapies]
        drugs = [kb.therapy(t).name for t in therapies if kb.therapy(t)]
        name = trial.name + (f": {', '.join(dict.fromkeys(drugs))}" if drugs else "")
        unknown = [_text(field(c, "criterion", "id", "text")) for c in
                   _items(field(m, "criteria") or [], "criteria")
                   if _text(field(c, "result", "truth") or "") == "unknown"]
        rationale = [f"Trial matcher: {eligibility.replace('_', ' ')} for {trial.name} "
                     f"({', '.join(trial.nct) or trial.id}; status {trial.status})."]
        if unknown:
            rationale.append("Criteria to confirm: " + "; ".join(unknown))
        citations = _citations(field(m, "citations")) or list(trial.citations)
        options.append(Option(
            therapy=therapies[0] if therapies else trial.id, name=name, category="trial",
            line=line, rationale=rationale, evidence=[trial_evidence(trial.id, kb)],
            citations=citations, esmo_level=trial.esmo_level, origin="trial_matcher",
            classes=[c for t in therapies for c in kb.classes_of(t)], rules=[],
            notes=[f"trial {trial.id}"], priority=60))
    return options, status


def molecular_options(case: Case, kb: KnowledgeBase, line: str
                      ) -> tuple[list[Option], Integration]:
    result, status = _run("genomics", "nenboard.genomics", "annotate_case", case, kb,
                          fallback="nenboard.genomics.tiering")
    options = []
    for alt in _items(result, "alterations"):
        alt = alt.to_dict() if callable(getattr(alt, "to_dict", None)) else alt
        tier = field(alt, "tier")
        tier = _text(tier) if tier is not None else None
        direction = _text(field(alt, "direction") or "sensitivity")
        drugs = [_text(d) for d in field(alt, "drugs") or []]
        if tier not in ACTIONABLE_TIERS or direction != "sensitivity" or not drugs:
            continue
        label = f"{_text(field(alt, 'gene') or '')} {_text(field(alt, 'alteration') or '')}".strip()
        citations = _citations(field(alt, "citations"))
        for drug in drugs:
            rec = kb.therapy(drug)
            trials = [_text(t) for t in field(alt, "trials") or []]
            options.append(Option(
                therapy=drug, name=(rec.name if rec else drug) + f" (matched to {label})",
                category="investigational", line=line, escat_tier=tier,
                rationale=[f"Molecularly matched: {label}, ESCAT tier {tier}"
                           + (f"; trials: {', '.join(trials)}" if trials else "")],
                evidence=[trial_evidence(t, kb) for t in trials], citations=citations,
                origin="genomics", classes=kb.classes_of(drug), priority=70,
                triggered_by={"alteration": label}))
    return options, status
