"""Terminal rendering of a Plan: a one-screen summary by default, everything with --detail.

The compact view is what a clinician reads first: the case in one line, the options
for this line one entry each (name, ESMO level, the one number that supports it, the
cautions that apply), what was not offered (a count and the top reasons), what to
complete, and one line per resistance analysis. No clinical logic: every word comes
from the Plan.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from nenboard.layout import Doc
from nenboard.therapy.model import CATEGORY_ORDER, Option, Plan

TRIALS_SHOWN = 5  # trial options listed in the compact view (all with --detail)
EXCLUSIONS_SHOWN = 3
TESTS_SHOWN = 3
STYLE = {"standard": "bold green", "alternative": "bold cyan", "trial": "bold magenta",
         "investigational": "bold yellow"}


def human(value: Any) -> str:
    """A case-summary value as words: True -> yes, lists joined, ids spaced."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list | tuple):
        return ", ".join(human(v) for v in value) or "none"
    return str(value).replace("_", " ")


def case_line(summary: dict[str, Any]) -> str:
    """The case facts the plan used, in one sentence."""
    s = dict(summary)
    parts = []
    label = " ".join(human(s.pop(k)) for k in ("entity", "grade") if s.get(k) is not None)
    if label:
        parts.append(label)
    for key, word in (("ki67", "Ki-67 {}%"), ("site", "{}"), ("stage", "{}"),
                      ("resectable", "resectable: {}"), ("sstr", "SSTR {}"), ("fdg", "FDG {}"),
                      ("syndrome", "syndrome: {}"), ("line", "line {}"),
                      ("progressed_on", "progressed on {}")):
        value = s.pop(key, None)
        if value not in (None, [], ""):
            parts.append(word.format(human(value)))
    for key in ("ki67_band", "site_group"):
        s.pop(key, None)  # derived from facts already shown
    parts += [f"{human(k)}: {human(v)}" for k, v in s.items() if v not in (None, [], "")]
    return "; ".join(parts) or "no case facts"


def headline(o: Option) -> str:
    """The one number behind an option: first endpoint of its first trial, both arms."""
    names = {e.trial: e.name.split(" (")[0] for e in o.evidence}
    if not o.benefit:
        return f"evidence: {names[o.evidence[0].trial]}" if o.evidence else ""
    b = o.benefit[0]
    other = next((x for x in o.benefit[1:] if x.trial == b.trial and x.endpoint == b.endpoint
                  and x.arm != b.arm), None)
    text, _, p = b.text.partition(", p ")
    if other:
        text += f" vs {other.text.removeprefix(other.endpoint).strip().partition(', p ')[0]}"
    return f"{names.get(b.trial, b.trial)}: {text}" + (f", p {p}" if p else "")


def resistance_line(r: Any) -> str:
    """'stable disease for 18 months, then radiological progression' from the fields."""
    bits = []
    if r.best_response:
        bits.append(human(r.best_response) + (f" for {human(round(r.duration_months, 1))} "
                                               "months" if r.duration_months else ""))
    if r.progression_type:
        bits.append(f"then {human(r.progression_type)} progression")
    return ", ".join(bits) or r.basis.partition(":")[0]


def option_line(o: Option) -> str:
    bits = [o.name]
    level = [f"ESMO {o.esmo_level}"] if o.esmo_level else []
    level += [f"ESCAT {o.escat_tier}"] if o.escat_tier else []
    if level:
        bits.append(", ".join(level))
    if o.after_reviews:
        bits.append("evidence published after the source reviews ("
                    + ", ".join(sorted({(d.date or "")[:4] for d in o.after_reviews})) + ")")
    if head := headline(o):
        bits.append(head)
    bits += [f"! {c.text}" for c in o.cautions if c.status == "applies"]
    bits += [f"? check: {c.text}" for c in o.cautions if c.status == "to_check"]
    return " | ".join(bits)


def _reasoning(doc: Doc, plan: Plan) -> None:
    """The NET G3 / NEC differential and any guidance gap, before the work-up."""
    if plan.differential is not None and plan.differential.conflict:
        doc.heading("Differential (NET G3 vs NEC)", style="bold red")
        doc.para(plan.differential.explanation, indent=2, hang=2)
    for g in plan.no_guidance:
        doc.heading(f"No guidance: {g.name}", style="bold red")
        doc.para(g.explanation, indent=2, hang=2)
        doc.para(g.closest_evidence, indent=2, hang=2)


def _compact_options(doc: Doc, plan: Plan) -> None:
    counts = Counter(o.category for o in plan.options)
    line = f"line {plan.line}" if plan.line else "this line"
    doc.heading(f"Options for {line} ({len(plan.options)}: "
                + ", ".join(f"{counts[c]} {c}" for c in CATEGORY_ORDER if counts[c]) + ")")
    if not plan.options:
        doc.para("No option can be offered from the facts given.", style="bold red")
    for category in CATEGORY_ORDER:
        rows = [o for o in plan.options if o.category == category]
        if not rows:
            continue
        shown = rows[:TRIALS_SHOWN] if category == "trial" else rows
        doc.para(category.upper(), indent=1, style=STYLE[category])
        for o in shown:
            doc.item(option_line(o) if category != "trial" else o.name)
        if len(rows) > len(shown):
            doc.para(f"... and {len(rows) - len(shown)} more trial options (--detail, or "
                     "`nenboard trials CASE`)", indent=2, style="dim")
    if verify := _to_verify(plan):
        doc.para(f"{counts['trial']} trial options open now; {len(verify)} fitting trials have "
                 "a status older than 12 months: to verify in the registry (--detail, or "
                 "`nenboard trials CASE`)", indent=1, style="dim")


def _to_verify(plan: Plan) -> list:
    """Fitting trials not offered until their registry status is confirmed."""
    return [e for e in plan.excluded if e.category == "trial" and e.kind == "pending"]


def _compact_rest(doc: Doc, plan: Plan) -> None:
    excluded = [e for e in plan.excluded if e not in _to_verify(plan)]  # counted above
    if excluded:
        doc.heading(f"Not offered ({len(excluded)})")
        reasons = Counter(e.reason for e in excluded)
        for reason, n in reasons.most_common(EXCLUSIONS_SHOWN):
            names = [e.name for e in excluded if e.reason == reason]
            doc.item(f"{', '.join(names)}: {reason}" if n < 4 else f"{n} options: {reason}")
        if len(reasons) > EXCLUSIONS_SHOWN:
            doc.para(f"... and {len(reasons) - EXCLUSIONS_SHOWN} more reasons (--detail)",
                     indent=2, style="dim")
    _reasoning(doc, plan)
    if plan.to_complete:
        doc.heading(f"To complete ({len(plan.to_complete)}; would change the plan)")
        for t in plan.to_complete:
            doc.item(t.item + (f" -> decides {'; '.join(t.affects)}" if t.affects else ""))
    for r in plan.resistance:
        doc.heading(f"Resistance to {r.name}: {r.kind}", style="bold red")
        doc.para(f"{resistance_line(r)}; {len(r.mechanisms)} mechanisms, "
                 f"{len(r.strategies)} strategies (--detail)", indent=2)
        if r.tests:
            more = len(r.tests) - TESTS_SHOWN
            doc.para("test now: " + "; ".join(r.tests[:TESTS_SHOWN])
                     + (f"; and {more} more" if more > 0 else ""), indent=2, hang=4)


def _detail(doc: Doc, plan: Plan) -> None:
    for category in CATEGORY_ORDER:
        rows = [o for o in plan.options if o.category == category]
        if not rows:
            continue
        doc.heading(f"{category.upper()} ({len(rows)})", style=STYLE[category])
        for o in rows:
            level = ", ".join(x for x in (f"ESMO {o.esmo_level}" if o.esmo_level else "",
                                          f"ESCAT {o.escat_tier}" if o.escat_tier else "",
                                          f"line {o.line}") if x)
            doc.para(f"{o.name} ({level})", indent=1, style="bold")
            doc.para("why: " + "; ".join(o.rationale), indent=3, hang=5)
            for e in o.evidence:
                doc.para(f"evidence: {e.summary}", indent=3, hang=5)
            for p in o.prerequisites:
                shown = ", ".join(f"{k} {human(v)}" for k, v in p.triggered_by.items())
                doc.para(f"before ({p.status.replace('_', ' ')}): {p.text}"
                         + (f" [{shown}]" if shown else ""), indent=3, hang=5)
            for c in o.cautions:
                if c.status != "met" or c.facts:
                    mark = {"applies": "! caution", "to_check": "? caution"}.get(c.status,
                                                                               "caution")
                    shown = ", ".join(f"{k} {human(v)}" for k, v in c.facts.items())
                    doc.para(f"{mark}: {c.text}" + (f" [{shown}]" if shown else ""), indent=3,
                             hang=5)
            for n in o.notes:
                doc.para(f"note: {n}", indent=3, hang=5)
            cites = "; ".join(dict.fromkeys(c.label() for c in o.citations))
            if cites:
                doc.para(f"sources: {cites}", indent=3, hang=5, style="dim")
    if plan.excluded:
        doc.heading(f"NOT OFFERED ({len(plan.excluded)})")
        for e in plan.excluded:
            doc.item(f"{e.name}: {e.reason}")
    _reasoning(doc, plan)
    if plan.to_complete:
        doc.heading("TO COMPLETE (would change the plan)")
        for t in plan.to_complete:
            doc.item(t.item + (f" -> decides {'; '.join(t.affects)}" if t.affects else ""))
    for r in plan.resistance:
        doc.heading(f"RESISTANCE to {r.name}: {r.kind}", style="bold red")
        doc.para(r.basis, indent=2)
        if r.progression_type:
            doc.para(f"progression: {r.progression_type}", indent=2)
        for m in r.mechanisms:
            doc.item(f"mechanism: {m.name} ({m.kind}; evidence {', '.join(m.evidence_types)})")
        for t in r.tests:
            doc.item(f"test now: {t}")
        for s in r.strategies:
            doc.item(f"strategy: {s.description}")


def plan_doc(plan: Plan, title: str = "", detail: bool = False) -> Doc:
    """The plan as text: compact (one screen) or, with detail, every fact and source."""
    doc = Doc()
    doc.para(f"Therapy plan{': ' + title if title else ''}", style="bold")
    doc.para(case_line(plan.summary), indent=2)
    if detail:
        _detail(doc, plan)
    else:
        _compact_options(doc, plan)
        _compact_rest(doc, plan)
    doc.heading(plan.disclaimer, style="italic dim")
    return doc


def plan_tables(plan: Plan) -> Doc:
    """`--format tsv`: options, exclusions, items to complete and resistance as tables."""
    doc = Doc()
    t = doc.table(["option", "name", "category", "line", "esmo", "escat", "headline",
                   "cautions_apply", "cautions_unknown"])
    for o in plan.options:
        t.add(o.therapy, o.name, o.category, o.line, o.esmo_level, o.escat_tier, headline(o),
              "; ".join(c.text for c in o.cautions if c.status == "applies"),
              "; ".join(c.text for c in o.cautions if c.status == "to_check"))
    t = doc.table(["excluded", "name", "kind", "reason"])
    for e in plan.excluded:
        t.add(e.therapy, e.name, e.kind, e.reason)
    t = doc.table(["to_complete", "facts", "affects"])
    for c in plan.to_complete:
        t.add(c.item, "; ".join(c.facts), "; ".join(c.affects))
    t = doc.table(["resistance", "name", "kind", "basis", "mechanisms", "tests", "strategies"])
    for r in plan.resistance:
        t.add(r.therapy, r.name, r.kind, r.basis, "; ".join(m.name for m in r.mechanisms),
              "; ".join(r.tests), len(r.strategies))
    return doc
