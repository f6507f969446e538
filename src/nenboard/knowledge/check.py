"""Cross-record checks of a loaded knowledge base (`nenboard kb check`).

The schema validates each record alone; this validates the whole: every
citation names a registered source, every reference resolves, every condition
tests a known fact with an allowed value, and transcribed numbers are sane.
"""

from __future__ import annotations

from collections.abc import Iterable

from nenboard.errors import Problem
from nenboard.knowledge.conditions import Condition, fact_tests
from nenboard.knowledge.dates import citations_in, undated
from nenboard.knowledge.facts import spec_for
from nenboard.knowledge.loader import KnowledgeBase

THERAPY_LIST_FACTS = {"prior_therapies", "progressed_on", "intolerant_of", "responded_to",
                      "symptomatic_progression_on", "last_therapy", "completed_courses",
                      "ongoing_therapies"}
CLASS_LIST_FACTS = {"prior_classes", "progressed_on_classes", "last_class",
                    "symptomatic_progression_on_classes", "radiological_progression_on_classes"}
TIER_CAP_EXTRAPOLATED = ("III-A", "III-B", "IV-A", "IV-B", "X")


def check(kb: KnowledgeBase) -> list[Problem]:
    """All problems found; an empty list means the knowledge base is consistent."""
    problems: list[Problem] = []
    add = problems.append
    therapies = set(kb.drugs) | set(kb.regimens)

    def refs(where: str, ids: Iterable[str], pool: Iterable[str], what: str) -> None:
        known = set(pool)
        for rid in ids:
            if rid not in known:
                add(Problem(where, f"unknown {what} {rid!r}"))

    def cond(where: str, c: Condition | None) -> None:
        if c is None:
            return
        for test in fact_tests(c):
            spec = spec_for(test.fact)
            if spec is None:
                add(Problem(where, f"condition tests unknown fact {test.fact!r}"))
                continue
            for op, value in test.operators():
                values = value if isinstance(value, list) else [value]
                if op == "present":
                    continue
                if op in ("gt", "ge", "lt", "le") and spec.type not in ("number", "int"):
                    add(Problem(where, f"numeric test on non-numeric fact {test.fact!r}"))
                if test.fact in THERAPY_LIST_FACTS:
                    refs(where, values, therapies, "therapy")
                elif test.fact in CLASS_LIST_FACTS:
                    refs(where, values, kb.therapy_classes, "therapy class")
                elif test.fact == "biomarkers":
                    refs(where, values, kb.biomarkers, "biomarker assertion")
                elif spec.values and op in ("eq", "ne", "in", "not_in", "contains",
                                            "contains_any"):
                    bad = [v for v in values if v not in spec.values and not isinstance(v, bool)]
                    if bad:
                        add(Problem(where, f"{test.fact} value(s) {bad} not in {list(spec.values)}"))

    for kind, rec in kb.records():
        where = f"{kind}:{rec.id}"
        for cit in citations_in(rec):
            if cit.source not in kb.sources:
                add(Problem(where, f"citation names unregistered source {cit.source!r}"))

    for d in kb.drugs.values():
        refs(f"drugs:{d.id}", d.classes, kb.therapy_classes, "therapy class")
    for r in kb.regimens.values():
        refs(f"regimens:{r.id}", r.components, kb.drugs, "drug")
        refs(f"regimens:{r.id}", r.classes, kb.therapy_classes, "therapy class")

    seen_nct: dict[str, str] = {}
    for t in kb.trials.values():
        where = f"trials:{t.id}"
        for nct in t.nct:
            if nct in seen_nct:
                add(Problem(where, f"{nct} also in trial {seen_nct[nct]!r}; merge the records"))
            seen_nct[nct] = t.id
        if t.status_as_of and t.status_as_of.source not in kb.sources:
            add(Problem(f"{where}.status_as_of.source",
                        f"unregistered source {t.status_as_of.source!r}"))
        if t.registry and t.registry.nct not in t.nct:
            add(Problem(f"{where}.registry.nct", f"{t.registry.nct} is not one of the trial's "
                                                 f"NCT ids {t.nct}"))
        arm_ids = {a.id for a in t.arms} | {a.name for a in t.arms}
        for arm in t.arms:
            refs(f"{where}.arms.{arm.id}", arm.therapies, therapies, "therapy")
            cond(f"{where}.arms.{arm.id}.cohort", arm.cohort)
        for o in t.outcomes:
            ow = f"{where}.outcomes[{o.endpoint}/{o.arm}]"
            if t.arms and o.arm not in arm_ids and o.arm != "all":
                add(Problem(ow, f"arm {o.arm!r} is not one of the trial's arms {sorted(arm_ids)}"))
            if o.unit == "%" and not 0 <= o.value <= 100:
                add(Problem(ow, "percentage outside 0-100", o.value))
            if o.unit in ("HR", "OR", "RR") and o.value <= 0:
                add(Problem(ow, "ratio must be > 0", o.value))
            if o.unit in ("months", "weeks", "days", "years", "n") and o.value < 0:
                add(Problem(ow, "negative duration or count", o.value))
            lo, hi = o.ci_low, o.ci_high
            if lo is not None and hi is not None and not lo <= o.value <= hi:
                add(Problem(ow, f"estimate outside its CI [{lo}, {hi}]", o.value))
        for c in t.eligibility:
            cond(f"{where}.eligibility.{c.id}", c.condition)

    for d in kb.eligibility_defaults.values():
        cond(f"eligibility_defaults:{d.id}", d.criterion.condition)
        refs(f"eligibility_defaults:{d.id}", d.except_trials, kb.trials, "trial")
        for fact in d.skip_if_tested:
            if spec_for(fact) is None:
                add(Problem(f"eligibility_defaults:{d.id}", f"unknown fact {fact!r}"))

    for m in kb.resistance.values():
        where = f"resistance:{m.id}"
        refs(where, [m.therapy_class], kb.therapy_classes, "therapy class")
        for s in m.strategies:
            refs(where, s.therapies, therapies, "therapy")
            refs(where, s.trials, kb.trials, "trial")

    for b in kb.biomarkers.values():
        where = f"biomarkers:{b.id}"
        refs(where, b.drugs, therapies, "therapy")
        refs(where, b.trials, kb.trials, "trial")
        if b.extrapolated_from and b.tier and b.tier not in TIER_CAP_EXTRAPOLATED:
            add(Problem(where, f"extrapolated from {b.extrapolated_from}: tier {b.tier} "
                               "above the III-A cap"))
        if b.direction == "sensitivity" and b.tier is None:
            add(Problem(where, "a sensitivity assertion needs an ESCAT tier"))
        refs(where, b.regimens, therapies, "regimen")
        if b.line:
            refs(f"{where}.line", b.line.after, therapies | set(kb.therapy_classes), "therapy")
        if b.direction == "sensitivity" and b.drugs and b.tier != "X" and not b.regimens:
            add(Problem(where, "name the regimens the evidence is for (regimens: [...]), so a "
                               "combination is never offered as single drugs"))
        covered = {c for r in b.regimens for c in (kb.components_of(r) or [r])}
        for drug in b.drugs if b.regimens else ():
            if drug not in covered:
                add(Problem(where, f"drug {drug!r} is in no regimen of the assertion "
                                   f"({', '.join(b.regimens)})"))

    for f in kb.factors.values():
        refs(f"factors:{f.id}", f.applies_to, therapies | set(kb.therapy_classes), "therapy")

    for r in kb.rules.values():
        where = f"rules:{r.id}"
        refs(where, [r.therapy], therapies, "therapy")
        refs(where, r.evidence, kb.trials, "trial")
        refs(where, r.classes, kb.therapy_classes, "therapy class")
        cond(where, r.when)
        for q in r.requires:
            cond(where, q.condition)
        for pre in r.prerequisites:
            if not isinstance(pre, str):
                cond(where, pre.met_when)
                for name in pre.facts:
                    if spec_for(name) is None:
                        add(Problem(where, f"prerequisite names unknown fact {name!r}"))
        for c in r.cautions:
            cond(where, c.when)
            for name in c.facts:
                if spec_for(name) is None:
                    add(Problem(where, f"caution names unknown fact {name!r}"))

    for g in kb.safety.values():
        where = f"safety:{g.id}"
        refs(where, g.forbid_therapies, therapies, "therapy")
        refs(where, g.forbid_classes, kb.therapy_classes, "therapy class")
        for name in g.forbid_therapies_in:
            if name not in THERAPY_LIST_FACTS:
                add(Problem(where, f"forbid_therapies_in names {name!r}, not a list fact of "
                                   f"therapy ids ({', '.join(sorted(THERAPY_LIST_FACTS))})"))
        cond(where, g.when)

    for fl in kb.flags.values():
        cond(f"flags:{fl.id}", fl.when)

    for w in kb.workup.values():
        where = f"workup:{w.id}"
        cond(where, w.when)
        refs(where, w.decides, therapies | set(kb.therapy_classes), "therapy or class")
        for name in w.facts:
            if spec_for(name) is None:
                add(Problem(where, f"workup names unknown fact {name!r}"))
    for gap in kb.guidance.values():
        cond(f"guidance:{gap.id}", gap.when)

    for rid in undated(kb):
        add(Problem(rid, "no date: cite a registered source (its publication date dates the "
                         "record) or give status_as_of"))
    if len(kb.grading) != 1:
        add(Problem("grading", f"exactly one grading record expected, found {len(kb.grading)}"))
    return problems
