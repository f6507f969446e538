"""Resistance analysis: one entry per prior therapy that ended in progression.

Primary resistance is progression without ever achieving a response or disease
control (best response progressive disease); secondary (acquired) resistance is
the loss of an earlier response or disease control. Stable disease counts as
disease control: SSAs and other cytostatic therapies rarely shrink tumours, so
durable stabilisation is their benefit. The mechanisms, tests and strategies
are the knowledge base's resistance records for the therapy's classes.
"""

from __future__ import annotations

import re

from nenboard.case.model import Case, HistoryEntry
from nenboard.facts import HORMONAL, Facts, derive_facts
from nenboard.knowledge.loader import KnowledgeBase
from nenboard.knowledge.schema import Citation
from nenboard.memo import per_kb
from nenboard.therapy.model import (
    Mechanism,
    Option,
    Resistance,
    StrategyOut,
    ToComplete,
)

ANTI_SECRETORY = "ssa-refractory-hormonal-syndrome"  # knowledge-base resistance record id
CONTROL = {"complete_response", "partial_response", "stable_disease"}
KINDS_FOR = {"primary": {"primary", "both", "unknown"},
             "secondary": {"secondary", "both", "unknown"},
             "unknown": {"primary", "secondary", "both", "unknown"}}
_YM = re.compile(r"^(\d{4})(?:-(\d{2}))?")


def progressed(entry: HistoryEntry) -> bool:
    return entry.reason_stopped == "progression" or entry.best_response == "progressive_disease"


def months_between(start: str | None, end: str | None) -> float | None:
    if not start or not end:
        return None
    a, b = _YM.match(start), _YM.match(end)
    if not a or not b or not a.group(2) or not b.group(2):
        return None
    return float((int(b.group(1)) - int(a.group(1))) * 12 + int(b.group(2)) - int(a.group(2)))


def classify_kind(entry: HistoryEntry, duration: float | None) -> tuple[str, str]:
    br = entry.best_response
    span = f" over {duration:g} months" if duration is not None else ""
    if br == "progressive_disease":
        return "primary", ("best response progressive disease: no response or disease control "
                           "was ever achieved (primary resistance)")
    if br in CONTROL:
        what = br.replace("_", " ")
        return "secondary", (f"best response {what}{span}, then progression: disease control "
                             "was achieved and lost (secondary, acquired resistance); stable "
                             "disease counts as control for cytostatic therapies such as SSAs")
    return "unknown", ("best response not stated: cannot tell primary from secondary "
                       "resistance (state best_response)")


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(i for i in items if i))


@per_kb
def _mechanisms(kb: KnowledgeBase) -> tuple[tuple[Mechanism, tuple[StrategyOut, ...]], ...]:
    """Every resistance record as the analysis shows it, with its strategies, by id."""
    return tuple(
        (Mechanism(id=m.id, name=m.name, kind=m.kind, therapy_class=m.therapy_class,
                   description=m.description.strip(), evidence_types=list(m.evidence_types),
                   tests=list(m.tests), citations=list(m.citations)),
         tuple(StrategyOut(description=s.description.strip(), therapies=list(s.therapies),
                           trials=list(s.trials), evidence=s.evidence, mechanism=m.id,
                           citations=list(s.citations)) for s in m.strategies))
        for m in sorted(kb.resistance.values(), key=lambda m: m.id))


def analyse(case: Case, kb: KnowledgeBase, options: list[Option],
            to_complete: list[ToComplete], facts: Facts | None = None) -> list[Resistance]:
    """One entry per course that ended in progression (on it, or after a completed course).

    A functional tumor with symptomatic (hormonal) progression on an SSA has
    anti-secretory resistance: recorded as such, its mechanism first; a stop for
    toxicity is not resistance and gets no entry.
    """
    out = []
    facts = facts if facts is not None else derive_facts(case, kb)
    switches = [o for o in options if o.category in ("standard", "alternative")]
    functional = facts.get("functional")
    for course, entry in zip(facts.courses, case.history, strict=True):
        i = course.index
        if not course.progressed:
            continue
        tid = entry.therapy_id or entry.therapy
        rec = kb.therapy(tid)
        classes = kb.classes_of(tid) if entry.therapy_id else []
        duration = months_between(entry.start, entry.end)
        kind, basis = classify_kind(entry, duration)
        citations: list[Citation] = []
        for cls in classes:
            tc = kb.therapy_classes.get(cls)
            if tc is None:
                continue
            definition = tc.primary_resistance if kind == "primary" else tc.secondary_resistance
            if definition and kind != "unknown":
                basis += f". {tc.name}: {definition}"
            citations += tc.citations
        known = [m for m in _mechanisms(kb)
                 if m[0].therapy_class in classes and m[0].kind in KINDS_FOR[kind]]
        hormonal = entry.progression_type in HORMONAL and "ssa" in classes
        anti_secretory = bool(hormonal and functional)
        if functional is False:  # no hormonal syndrome: no anti-secretory resistance
            known = [m for m in known if m[0].id != ANTI_SECRETORY]
        if anti_secretory:
            known.sort(key=lambda m: m[0].id != ANTI_SECRETORY)
            basis += (". Symptomatic (hormonal) progression on an SSA in a functional tumor: "
                      "anti-secretory resistance (the hormonal syndrome escapes control), "
                      "distinct from radiological (anti-proliferative) progression")
        mechanisms = [m for m, _ in known]
        strategies = [s for _, strategies in known for s in strategies]
        ids = {tid, *kb.components_of(tid)}
        strategies += [
            StrategyOut(description=f"switch: {o.name} ({o.category}, line {o.line})",
                        therapies=[o.therapy], trials=[e.trial for e in o.evidence],
                        evidence=o.esmo_level and f"ESMO level {o.esmo_level}",
                        citations=o.citations[:2])
            for o in switches if o.therapy not in ids]
        tests = _unique([t for m in mechanisms for t in m.tests]
                        + [t.item for t in to_complete]
                        + [p.text for o in switches for p in o.prerequisites if p.status == "to_check"])
        pt = entry.progression_type
        out.append(Resistance(
            therapy=tid, kind=kind, mechanisms=mechanisms, strategies=strategies,
            name=rec.name if rec else entry.therapy, history_index=i, classes=classes,
            basis=basis, best_response=entry.best_response, duration_months=duration,
            progression_type=pt,
            symptomatic=None if pt is None else pt in ("symptomatic", "both"),
            radiological=None if pt is None else pt in ("radiological", "both"),
            anti_secretory=anti_secretory, after_completed_course=course.outcome == "completed",
            tests=tests, citations=citations))
    return out
