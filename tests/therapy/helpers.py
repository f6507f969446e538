"""Independent checks of the planner's safety invariants (shared by the test modules).

These re-derive each invariant from the knowledge base without the planner's
gate code, so a broken gate fails the tests instead of agreeing with itself.
"""

from __future__ import annotations

from typing import Any

from nenboard.knowledge.loader import KnowledgeBase
from nenboard.therapy.model import Plan

SSTR_CLASSES = {"ssa", "prrt"}
PLATINUM_DRUGS = {"cisplatin", "carboplatin"}
OFFERED = ("standard", "alternative")


def drug_ids(kb: KnowledgeBase, therapy: str) -> set[str]:
    return {therapy, *kb.components_of(therapy)}


def _view(facts: dict[str, Any], entity: str | None) -> dict[str, Any]:
    """The facts an option set was planned for: the stated entity, or on a conflicting
    differential the entity the findings support (grade from the indices for NET)."""
    if entity is None or entity == facts.get("entity"):
        return facts
    grade = None
    if entity == "NET":
        c = facts.classification  # type: ignore[attr-defined]
        known = [g for g in (c.ki67_grade, c.mitotic_grade) if g]
        grade = max(known) if known else None
    return {**facts, "entity": entity, "grade": grade}


def violations(plan: Plan, stated: dict[str, Any], kb: KnowledgeBase) -> list[str]:
    out = []
    progressed = set(stated.get("progressed_on", []))
    completed = set(stated.get("completed_courses", []))
    ihc_only = stated.get("sstr_ihc") == "positive" and stated.get("sstr_imaging") is None
    if not plan.options and not plan.no_guidance:
        out.append("empty plan without an explanation")
    for o in plan.options:
        if o.entity is not None and not stated.get("differential_conflict"):
            out.append(f"option labelled {o.entity} without a conflicting differential: {o.name}")
        facts = _view(stated, o.entity)
        classes = set(kb.classes_of(o.therapy)) | set(o.classes)
        ids = drug_ids(kb, o.therapy)
        where = f"{o.category} {o.therapy} ({o.name})"
        if not o.citations:
            out.append(f"no citation: {where}")
        if any(c.source not in kb.sources for c in o.citations):
            out.append(f"unregistered source: {where}")
        if facts.get("sstr") == "negative" and o.category in OFFERED and classes & SSTR_CLASSES:
            out.append(f"SSA/PRRT offered with negative SSTR imaging: {where}")
        if ihc_only and "prrt" in classes:
            out.append(f"PRRT/SSTR-directed option on SSTR IHC alone: {where}")
        if o.category in OFFERED and (o.therapy in completed
                                      or (ids - {o.therapy} and ids - {o.therapy} <= completed)):
            out.append(f"completed course re-offered as a first-time option: {where}")
        if (facts.get("entity") == "NET" and facts.get("grade") in ("G1", "G2")
                and o.category == "standard" and "etoposide" in ids and ids & PLATINUM_DRUGS):
            out.append(f"platinum-etoposide as standard for NET {facts.get('grade')}: {where}")
        if o.category == "standard":
            components = set(kb.components_of(o.therapy))
            if o.therapy in progressed or (components and components <= progressed):
                out.append(f"failed therapy re-offered as standard: {where}")
            gap = _outside_evidence(o, facts, kb)
            if gap:
                out.append(f"standard outside its evidence population ({gap}): {where}")
            if facts.get("entity") == "NEC" and classes & {"ssa", "prrt", "mtor_inhibitor",
                                                             "vegfr_tki"}:
                out.append(f"NET-type therapy as standard for NEC: {where}")
        if not o.name or o.category not in ("standard", "alternative", "trial", "investigational"):
            out.append(f"malformed option: {where}")
    for e in plan.excluded:
        if not e.reason or not e.name:
            out.append(f"exclusion without reason: {e.therapy}")
    return out


def _outside_evidence(o: Any, facts: dict[str, Any], kb: KnowledgeBase) -> str | None:
    """Entity, grade, site, functional status and progression type must fall in at least
    one curated evidence trial's population."""
    trials = [kb.trials[e.trial] for e in o.evidence if e.trial in kb.trials]
    if not trials:
        return None
    site, group = facts.get("site"), facts.get("site_group")
    for t in trials:
        p = t.population
        entity_ok = not p.entities or facts.get("entity") in p.entities or not facts.get("entity")
        grades = [g for g in p.grades if g in ("G1", "G2", "G3")]
        grade_ok = not grades or facts.get("grade") in grades or not facts.get("grade")
        known_sites = [s for s in p.sites if s in kb.sites or s in
                       ("foregut", "midgut", "hindgut", "pancreas")]
        site_ok = not known_sites or site is None or site in known_sites or group in known_sites
        func_ok = not (p.functional is False and facts.get("functional") is True)
        progression_ok = not (p.progression == "radiological"
                              and facts.get("progression_type") == "symptomatic")
        if entity_ok and grade_ok and site_ok and func_ok and progression_ok:
            return None
    return ", ".join(t.id for t in trials)
