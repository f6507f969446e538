"""Safety gates: invariants the planner never violates, enforced after the rules.

Each gate is a knowledge-base record (`SafetyGate`) with a citation. An option a
gate catches is excluded with the gate's reason, or demoted (e.g. a standard
option whose trial evidence did not enrol this population becomes an
alternative). Gates re-run after a demotion until the option is stable.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from nenboard.knowledge.compile import check_of
from nenboard.knowledge.facts import SITE_GROUPS, SITES
from nenboard.knowledge.loader import KnowledgeBase
from nenboard.knowledge.schema import Population, SafetyGate
from nenboard.therapy.integrations import evidence_line_gap, partner_alone_gap
from nenboard.therapy.model import Exclusion, Option

GRADES = ("G1", "G2", "G3")


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def failed_ids(gate: SafetyGate, facts: Mapping[str, Any]) -> set[str]:
    return {t for name in gate.forbid_therapies_in for t in _as_list(facts.get(name))}


def population_gaps(pop: Population, facts: Mapping[str, Any], kb: KnowledgeBase) -> list[str]:
    """Where the case falls outside a trial population (unknown facts are not gaps)."""
    gaps = []
    entity, grade, site, group = (facts.get(k) for k in ("entity", "grade", "site", "site_group"))
    if pop.entities and entity and entity not in pop.entities:
        gaps.append(f"entity {entity} (enrolled {', '.join(pop.entities)})")
    grades = [g for g in pop.grades if g in GRADES]
    if grades and grade and grade not in grades:
        gaps.append(f"grade {grade} (enrolled {', '.join(grades)})")
    sites = [s for s in pop.sites if s in SITES or s in SITE_GROUPS]
    if sites and site and site not in sites and group not in sites:
        gaps.append(f"site {site} (enrolled {', '.join(sites)})")
    sstr = facts.get("sstr")
    if pop.sstr in ("positive", "negative") and sstr and sstr != pop.sstr:
        gaps.append(f"SSTR {sstr} (enrolled SSTR {pop.sstr})")
    if pop.functional is False and facts.get("functional") is True:
        gaps.append(f"functional syndrome {facts.get('syndrome')} (enrolled non-functional)")
    if pop.progression == "radiological" and facts.get("progression_type") == "symptomatic":
        gaps.append("symptomatic (hormonal) progression only (enrolled radiological progression)")
    prior = set(_as_list(facts.get("prior_therapies")))
    prior_classes = set(_as_list(facts.get("prior_classes")))
    for item in pop.prior_required:
        known = item in kb.therapy_classes or kb.therapy(item) is not None
        satisfied = (item in prior or item in prior_classes
                     or bool(set(kb.classes_of(item)) & prior_classes))
        if known and not satisfied:
            gaps.append(f"no prior {item} (required for enrolment)")
    for item in pop.prior_excluded:
        if item in prior or item in prior_classes:
            gaps.append(f"prior {item} (excluded from enrolment)")
    return gaps


def evidence_gap(option: Option, facts: Mapping[str, Any], kb: KnowledgeBase) -> str | None:
    """None if some curated evidence trial covers the case (or none is curated)."""
    trials = [kb.trials[e.trial] for e in option.evidence if e.trial in kb.trials]
    if not trials:
        return None
    gaps = {t.name: population_gaps(t.population, facts, kb) for t in trials}
    if any(not g for g in gaps.values()):
        return None
    return "; ".join(f"{name}: {', '.join(g)}" for name, g in gaps.items())


HISTORY_WORDS = {"progressed_on": "progressed on", "intolerant_of": "stopped for toxicity",
                 "completed_courses": "course completed"}


def _history_reason(gate: SafetyGate, therapy: str, ids: set[str],
                    facts: Mapping[str, Any]) -> str:
    """Which history entry caught the option, naming a stated toxicity."""
    words = ", ".join(HISTORY_WORDS.get(n, n) for n in gate.forbid_therapies_in)
    text = f"{words}: {therapy}"
    for course in getattr(facts, "courses", ()):
        if set(course.ids) & ids:
            if course.toxicity and "intolerant_of" in gate.forbid_therapies_in:
                text += f" (toxicity: {course.toxicity})"
            if course.cycles is not None and "completed_courses" in gate.forbid_therapies_in:
                text += f" ({course.cycles} cycles)"
    if "intolerant_of" in gate.forbid_therapies_in and "toxicity:" not in text:
        text += " (toxicity not stated: name it before re-offering)"
    return text


def catches(gate: SafetyGate, option: Option, facts: Mapping[str, Any],
            kb: KnowledgeBase) -> str | None:
    """The specific reason the gate catches this option, or None."""
    if option.category not in gate.categories:
        return None
    if gate.when is not None and not check_of(gate.when).met(facts):
        return None
    components = kb.components_of(option.therapy)
    ids = {option.therapy, *components}
    if ids & set(gate.forbid_therapies):
        return f"{option.therapy} is forbidden here"
    classes = set(option.classes) & set(gate.forbid_classes)
    if classes:
        return f"class {', '.join(sorted(classes))}"
    failed = failed_ids(gate, facts)
    if failed and (option.therapy in failed or (components and set(components) <= failed)):
        return _history_reason(gate, option.therapy, ids, facts)
    if gate.check == "evidence_population":
        return evidence_gap(option, facts, kb)
    if gate.check == "citation" and not option.citations:
        return "no citation"
    if gate.check == "partner_alone":
        return partner_alone_gap(option, kb)
    if gate.check == "evidence_line":
        return evidence_line_gap(option, facts, kb)
    return None


def apply_gates(options: list[Option], kb: KnowledgeBase, facts: Mapping[str, Any]
                ) -> tuple[list[Option], list[Exclusion]]:
    gates = sorted(kb.safety.values(), key=lambda g: g.id)
    kept: list[Option] = []
    excluded: list[Exclusion] = []
    for option in options:
        current: Option | None = option
        for _ in range(len(gates) + 1):
            hit = next(((g, why) for g in gates
                        if (why := catches(g, current, facts, kb)) is not None), None)
            if hit is None:
                break
            gate, why = hit
            if gate.action == "demote" and gate.demote_to and gate.demote_to != current.category:
                note = (f"{current.category} -> {gate.demote_to} by safety gate {gate.id}: "
                        f"{gate.reason} ({why})")
                current = current.model_copy(update={
                    "category": gate.demote_to, "notes": [*current.notes, note],
                    "citations": [*current.citations, *gate.citations]})
                continue
            excluded.append(Exclusion(
                therapy=current.therapy, name=current.name, kind="safety_gate",
                category=current.category, rule=current.rules[0] if current.rules else None,
                gate=gate.id, reason=f"{gate.reason} ({why})", citations=list(gate.citations)))
            current = None
            break
        if current is not None:
            kept.append(current)
    return kept, excluded
