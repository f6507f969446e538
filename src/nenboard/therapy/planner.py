"""`plan(case, kb) -> Plan`: the therapy planner, a pure function of the case's Facts.

1. read the case's one `Facts` derivation; 2. evaluate every planner rule
(offered / excluded / pending), and, when the NET G3 / NEC differential
conflicts with the stated differentiation, evaluate them again for the entity
the findings support (both option sets shown, labelled); 3. add trial-matcher
and molecularly matched options; 4. enforce the safety gates; 5. merge options
per therapy (best category wins, reasons and evidence are pooled); 6. order by
category, then ESMO level of evidence, then rule priority; 7. rank what to
complete by what it decides; 8. say so when the sources give no guidance;
9. analyse resistance for every prior therapy that ended in progression.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from nenboard.case.model import Case
from nenboard.facts import Facts, derive_facts
from nenboard.interface import DISCLAIMER
from nenboard.knowledge.compile import check_of
from nenboard.knowledge.loader import KnowledgeBase
from nenboard.knowledge.schema import Citation
from nenboard.therapy.differential import entity_view, label, summary
from nenboard.therapy.integrations import molecular_options, trial_options, trials_to_verify
from nenboard.therapy.model import (
    CATEGORY_ORDER,
    ESMO_ORDER,
    Exclusion,
    NoGuidance,
    Option,
    Plan,
    ToComplete,
)
from nenboard.therapy.post_review import annotate
from nenboard.therapy.resistance import analyse
from nenboard.therapy.rules import describe_facts, evaluate_rules, show
from nenboard.therapy.safety import apply_gates
from nenboard.therapy.workup import rank

SUMMARY_FACTS = ("entity", "grade", "ki67", "ki67_band", "grade_band", "site", "site_group",
                 "stage", "resectable", "sstr", "sstr_status", "sstr_ihc", "fdg", "syndrome",
                 "line", "progressed_on", "progression_type", "differential")


def _rank(option: Option) -> tuple[int, int, int, str]:
    esmo = ESMO_ORDER.index(option.esmo_level) if option.esmo_level in ESMO_ORDER else 9
    return CATEGORY_ORDER.index(option.category), esmo, option.priority, option.name


def _unique(items: Iterable[Any], key: Any = None) -> list[Any]:
    seen: dict[Any, Any] = {}
    for item in items:
        seen.setdefault(key(item) if key else item, item)
    return list(seen.values())


def _cite_key(c: Citation) -> tuple[str, str | None, str, str | None]:
    return c.source, c.ref, c.locator, c.quote


def merge(options: list[Option]) -> list[Option]:
    """One option per therapy (trial-matcher options per trial): the best-ranked wins."""
    groups: dict[str, list[Option]] = {}
    for o in options:
        key = o.notes[0] if o.origin == "trial_matcher" and o.notes else o.therapy
        groups.setdefault(key, []).append(o)
    merged = []
    for group in groups.values():
        group.sort(key=_rank)
        best = group[0]
        if len(group) > 1:
            # evidence comes from the options that earned the winning category: a trial that
            # only supported a demoted variant must not appear to back the standard
            peers = [o for o in group if o.category == best.category]
            best = best.model_copy(update={
                "rationale": _unique(r for o in group for r in o.rationale),
                "evidence": _unique((e for o in peers for e in o.evidence), key=lambda e: e.trial),
                "benefit": _unique((b for o in peers for b in o.benefit), key=lambda b: b.text),
                "citations": _unique((c for o in group for c in o.citations), key=_cite_key),
                "prerequisites": _unique((p for o in group for p in o.prerequisites),
                                         key=lambda p: p.text),
                "cautions": _unique((c for o in group for c in o.cautions), key=lambda c: c.text),
                "classes": _unique(c for o in group for c in o.classes),
                "notes": _unique(n for o in group for n in o.notes),
                "rules": _unique(r for o in group for r in o.rules),
                "triggered_by": {k: v for o in reversed(group) for k, v in o.triggered_by.items()},
                "escat_tier": next((o.escat_tier for o in group if o.escat_tier), None),
                "after_reviews": _unique((d for o in group for d in o.after_reviews),
                                         key=lambda d: d.source),
                "updates": _unique((u for o in group for u in o.updates),
                                   key=lambda u: (u.trial, u.earlier.quote, u.later.statement)),
            })
        merged.append(best)
    return sorted(merged, key=_rank)


def _prune_excluded(excluded: list[Exclusion], offered: list[Option]) -> list[Exclusion]:
    """Drop an exclusion when the same therapy is offered at the same or a better category."""
    best = {}
    for o in offered:
        rank = CATEGORY_ORDER.index(o.category)
        best[o.therapy] = min(rank, best.get(o.therapy, rank))
    kept = [e for e in excluded
            if e.therapy not in best
            or (e.category is not None and CATEGORY_ORDER.index(e.category) < best[e.therapy])]
    kept = _unique(kept, key=lambda e: (e.therapy, e.name, e.reason))
    return sorted(kept, key=lambda e: (e.name.lower(), e.reason))


def _citation_gate(options: list[Option]) -> tuple[list[Option], list[Exclusion]]:
    """Hard invariant, whatever the gate records say: nothing is offered without a citation."""
    kept = [o for o in options if o.citations]
    dropped = [Exclusion(therapy=o.therapy, name=o.name, kind="no_citation", category=o.category,
                         rule=o.rules[0] if o.rules else None,
                         reason="not offered: no citation to a registered source")
               for o in options if not o.citations]
    return kept, dropped


def unmet_prerequisites(options: list[Option]) -> list[Option]:
    """A standard option whose prerequisite the case fails is not standard: its evidence
    population required it (e.g. Krenning 3-4 in NETTER-1). Demoted, saying why."""
    out = []
    for o in options:
        failed = [p for p in o.prerequisites if p.status == "applies"]
        if o.category == "standard" and failed:
            why = "; ".join(f"{p.text} ({describe_facts(p.triggered_by)})" for p in failed)
            o = o.model_copy(update={
                "category": "alternative",
                "notes": [*o.notes, f"standard -> alternative: prerequisite not met: {why}"]})
        out.append(o)
    return out


def _rule_options(kb: KnowledgeBase, facts: Facts) -> tuple[list[Option], list[Exclusion],
                                                            list[ToComplete]]:
    """Rule options for the stated entity and, on a conflicting differential, for the
    entity the findings support (each set gated with its own view of the facts)."""
    outcome = evaluate_rules(kb, facts)
    outcome.options = [annotate(o, kb, facts) for o in unmet_prerequisites(outcome.options)]
    d = facts.differential
    if not d.conflict or d.supported is None:
        options, excluded = apply_gates(outcome.options, kb, facts)
        return options, [*outcome.excluded, *excluded], list(outcome.to_complete.values())
    stated, _ = apply_gates(outcome.options, kb, facts)
    view = entity_view(facts, d.supported)
    other = evaluate_rules(kb, view)
    supported, _ = apply_gates([annotate(o, kb, view) for o in unmet_prerequisites(other.options)],
                               kb, view)
    options = ([label(o, d.stated, d.supported) for o in stated]
               + [label(o, d.supported, d.supported) for o in supported])
    return options, list(outcome.excluded), list(outcome.to_complete.values())


def no_guidance(kb: KnowledgeBase, facts: Facts, options: list[Option],
                to_complete: list[ToComplete]) -> list[NoGuidance]:
    """Knowledge-base guidance gaps the case falls in; never an empty plan without a why."""
    out = [NoGuidance(id=g.id, name=g.name, explanation=" ".join(g.explanation.split()),
                      closest_evidence=" ".join(g.closest_evidence.split()),
                      citations=list(g.citations))
           for g in sorted(kb.guidance.values(), key=lambda g: g.id)
           if check_of(g.when).met(facts)]
    if not options and not out:
        missing = "; ".join(t.item for t in to_complete[:3])
        out.append(NoGuidance(
            id="no-option", name="No option from the facts given",
            explanation="No planner rule, trial or molecular match offers an option for these "
                        "facts" + (f"; completing the work-up may change that: {missing}."
                                   if missing else "; see the options not offered and why."),
            closest_evidence="See `excluded` for every option considered and the reason it "
                             "was not offered."))
    return out


def plan(case: Case, kb: KnowledgeBase, facts: Facts | None = None,
         as_of: dt.date | None = None) -> Plan:
    """The plan for ``case``, read from its one `Facts` derivation (passed in by the board).

    ``as_of``: the day trial statuses are judged on (interfaces pass today; None: no
    trial status counts as current, so no trial is offered for enrolment).
    """
    facts = facts if facts is not None else derive_facts(case, kb)
    line = show(facts.get("line"))
    rule_options, rule_excluded, rule_items = _rule_options(kb, facts)
    others, other_excluded = apply_gates(
        [annotate(o, kb, facts) for o in (*trial_options(case, kb, line, as_of),
                                          *molecular_options(case, kb, line))], kb, facts)
    cited, uncited = _citation_gate([*rule_options, *others])
    options = merge(cited)
    excluded = _prune_excluded([*rule_excluded, *other_excluded, *uncited], options)
    to_complete = rank(rule_items, kb, facts, options, excluded)
    # fitting trials whose open status is too old: listed, not offered, not work-up drivers
    excluded = _prune_excluded([*excluded, *trials_to_verify(case, kb, as_of)], options)
    return Plan(
        case_id=case.id, kb_version=kb.version, line=facts.get("line"),
        summary={k: facts[k] for k in SUMMARY_FACTS if k in facts},
        options=options, excluded=excluded, to_complete=to_complete,
        resistance=analyse(case, kb, options, to_complete, facts),
        differential=summary(facts), no_guidance=no_guidance(kb, facts, options, to_complete),
        disclaimer=DISCLAIMER)
