"""Evidence lines: one comparison per trial endpoint, subgroup and source.

A trial's outcomes in the knowledge base are per arm, each with its citations.
Chaining them ("A vs B vs C vs D") hides that two reviews report the same
endpoint with different numbers, or that a value belongs to a subgroup. Here
they are grouped: outcomes of one endpoint, unit, timepoint and subgroup form
one comparison; when one arm has two values, the group is split by the source
that reports each value and the lines are marked as disagreeing. The subgroup
is the knowledge base's own note ("subgroup Ki-67 < 55%"), never inferred.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from nenboard.knowledge.loader import KnowledgeBase
from nenboard.knowledge.schema import Outcome, Trial
from nenboard.report.model import Comparison, ComparisonArm
from nenboard.report.wording import num

RATIO_UNITS = ("HR", "OR", "RR")
ENDPOINT_LABELS = {"PFS": "PFS", "OS": "OS", "TTP": "time to progression",
                   "ORR": "objective response rate", "DCR": "disease control rate",
                   "PFS_rate": "PFS rate", "OS_rate": "OS rate", "DoR": "duration of response",
                   "discontinuation_AE": "discontinuation for adverse events"}
# Preference for the one number that supports an option (randomised effect first).
HEADLINE_ORDER = (("PFS", "HR"), ("PFS", "months"), ("TTP", "months"), ("OS", "HR"),
                  ("OS", "months"), ("ORR", "%"), ("DCR", "%"), ("PFS_rate", "%"))


def source_name(source: str, kb: KnowledgeBase) -> str:
    """'McClellan 2022' from the registered source (first author's surname + year)."""
    src = kb.sources.get(source)
    if not src:
        return source
    first = src.authors.split(",")[0].strip().split(" ")[0] if src.authors else source
    if src.kind in ("classification", "dataset") and len(src.authors.split()) > 2:
        first = src.authors  # an organisation: keep its name whole
    return f"{first} {src.year}"


def short_trial_name(trial: Trial) -> str:
    """'NETTER-1' from 'NETTER-1 (177Lu-DOTATATE + octreotide vs ...)'; short names stay whole."""
    head, _, rest = trial.name.partition(" (")
    return head if rest and len(rest) > 14 and len(head) >= 3 else trial.name


def subgroup_of(o: Outcome) -> str | None:
    """The subgroup clause of the outcome's note, as curated ('subgroup Ki-67 < 55%')."""
    if not o.note:
        return None
    for clause in o.note.replace(";", ",").split(","):
        if "subgroup" in clause.lower():
            return clause.strip().removeprefix("subgroup ").strip()
    return None


def _sources(o: Outcome) -> list[str]:
    return list(dict.fromkeys(c.source for c in o.citations))


def _arm_of(trial: Trial, arm_id: str) -> tuple[str, int | None, list[str]]:
    arm = next((a for a in trial.arms if a.id == arm_id), None)
    return (arm.name, arm.n, arm.therapies) if arm else (arm_id.replace("-", " "), None, [])


def option_arms(trial: Trial, therapy: str, kb: KnowledgeBase) -> set[str]:
    """The trial arms that give this option: most shared therapies, fewest extra (ties: all,
    e.g. the cohorts of a single-arm trial)."""
    wanted = {therapy, *kb.components_of(therapy)}
    for comp in list(wanted):
        wanted.update(kb.components_of(comp))
    scored = {}
    for arm in trial.arms:
        have = set(arm.therapies)
        if have & wanted:
            scored[arm.id] = (len(have & wanted), -len(have - wanted))
    if not scored:
        return set()
    top = max(scored.values())
    return {a for a, k in scored.items() if k == top}


def value_text(a: ComparisonArm) -> str:
    unit = "%" if a.unit == "%" else "" if a.unit in ("n", *RATIO_UNITS) else f" {a.unit}"
    q = a.qualifier or ""
    text = f"{q}{num(a.value)}{unit}"
    if a.ci_low is not None and a.ci_high is not None:
        text += f" (95% CI {num(a.ci_low)}-{num(a.ci_high)})"
    return text


def _label(endpoint: str, unit: str, notes: list[str]) -> str:
    base = ENDPOINT_LABELS.get(endpoint, endpoint.replace("_", " "))
    if unit in RATIO_UNITS:
        return f"{base} {unit}"
    if endpoint in ("PFS", "OS", "TTP") and unit in ("months", "weeks", "days", "years"):
        return f"median {base}" if all("median" in n or not n for n in notes) else base
    return base


def _join(arms: list[ComparisonArm], randomized: bool | None = True) -> str:
    """' vs ' between randomised arms; '; ' between cohorts (all give the option, or the
    groups of a non-randomised study)."""
    cohorts = len(arms) > 1 and all(a.this_option for a in arms)
    return "; " if cohorts or randomized is not True else " vs "


def _line_text(c: Comparison) -> str:
    head = f"{c.trial_name}, {c.label}"
    if c.subgroup:
        head += f" ({c.subgroup})"
    if c.timepoint:
        head += f" at {c.timepoint}"
    if c.effect:
        body = f"{value_text(c.effect)}, {c.effect.name} vs {c.comparator or 'comparator'}"
    else:
        body = _join(c.arms, c.randomized).join(f"{a.name} {value_text(a)}" for a in c.arms)
    if c.p:
        body += f", p {c.p}" if c.p[0] in "<>=" else f", p = {c.p}"
    text = f"{head}: {body} ({', '.join(c.source_names)})"
    if c.disagrees:
        text += " - the reviews report different values for this endpoint"
    return text


def trial_comparisons(trial: Trial, kb: KnowledgeBase, therapy: str | None = None
                      ) -> list[Comparison]:
    """Every comparison the trial's outcomes support, in the knowledge base's order."""
    mine = option_arms(trial, therapy, kb) if therapy else set()
    groups: dict[tuple, list[Outcome]] = defaultdict(list)
    for o in trial.outcomes:
        ratio = o.unit in RATIO_UNITS
        key = (o.endpoint, o.unit if ratio else ("time" if o.unit in ("months", "weeks", "days",
               "years") else o.unit), subgroup_of(o), o.timepoint, o.arm if ratio else None,
               o.comparator if ratio else None)
        groups[key].append(o)
    out: list[Comparison] = []
    for key, outcomes in groups.items():
        outcomes = _merge_same_values(outcomes)
        arms = [o.arm for o in outcomes]
        if len(set(arms)) < len(arms):  # one arm with two values: split by reporting source
            by_source: dict[str, list[Outcome]] = defaultdict(list)
            for o in outcomes:
                by_source[(_sources(o) or ["?"])[0]].append(o)
            parts = list(by_source.values())
        else:
            parts = [outcomes]
        lines = [_comparison(trial, key, part, mine, kb) for part in parts]
        if len(lines) > 1:
            for line in lines:
                line.disagrees = True
                line.text = _line_text(line)
        out.extend(lines)
    return out


def _merge_same_values(outcomes: list[Outcome]) -> list[Outcome]:
    """The same arm with the same value twice (two records, two sources) is one value."""
    kept: dict[tuple, Outcome] = {}
    for o in outcomes:
        k = (o.arm, o.value, o.qualifier)
        if k in kept:
            kept[k] = kept[k].model_copy(update={"citations": [*kept[k].citations,
                                                               *o.citations]})
        else:
            kept[k] = o
    return list(kept.values())


def _comparison(trial: Trial, key: tuple, outcomes: list[Outcome], mine: set[str],
                kb: KnowledgeBase) -> Comparison:
    endpoint, _, subgroup, timepoint, _, comparator = key
    sources = list(dict.fromkeys(s for o in outcomes for s in _sources(o)))
    arms = []
    for o in outcomes:
        name, n, _ = _arm_of(trial, o.arm)
        arms.append(ComparisonArm(arm=o.arm, name=name, value=o.value, unit=o.unit,
                                  qualifier=o.qualifier, ci_low=o.ci_low, ci_high=o.ci_high, n=n,
                                  this_option=o.arm in mine))
    ratio = outcomes[0].unit in RATIO_UNITS
    comp_name = _arm_of(trial, comparator)[0] if ratio and comparator else None
    c = Comparison(
        trial=trial.id, trial_name=short_trial_name(trial), endpoint=endpoint,
        label=_label(endpoint, outcomes[0].unit, [(o.note or "") for o in outcomes]),
        unit=outcomes[0].unit, subgroup=subgroup, timepoint=timepoint, sources=sources,
        source_names=[source_name(s, kb) for s in sources],
        arms=[] if ratio else arms, effect=arms[0] if ratio else None, comparator=comp_name,
        p=next((o.p for o in outcomes if o.p), None), text="", randomized=trial.design.randomized,
        citations=[c for o in outcomes for c in o.citations])
    c.text = _line_text(c)
    return c


def option_comparisons(option: dict[str, Any], kb: KnowledgeBase) -> list[Comparison]:
    """The comparisons of every knowledge-base trial behind one option."""
    out: dict[str, Comparison] = {}
    seen: set[str] = set()
    for ev in option.get("evidence") or []:
        tid = ev.get("trial") if isinstance(ev, dict) else None
        if tid and tid not in seen and tid in kb.trials:
            seen.add(tid)
            for c in trial_comparisons(kb.trials[tid], kb, option.get("therapy")):
                out.setdefault(c.text, c)  # two records of one study read the same: once
    return list(out.values())


def headline(comparisons: list[Comparison]) -> Comparison | None:
    """The one comparison that best supports an option: a randomised effect on PFS first.

    Only comparisons that include the option's own arm count; whole-population
    lines come before subgroups.
    """
    def rank(c: Comparison) -> tuple[int, int, int, int]:
        unit = c.unit if c.unit in RATIO_UNITS else ("months" if c.unit in ("months", "weeks",
                                                     "days", "years") else c.unit)
        order = HEADLINE_ORDER.index((c.endpoint, unit)) if (c.endpoint, unit) in HEADLINE_ORDER \
            else len(HEADLINE_ORDER)
        two_arms = 0 if (c.effect or len(c.arms) > 1) else 1
        return (c.subgroup is not None, two_arms, order, 0 if not c.disagrees else 1)

    own = [c for c in comparisons
           if (c.effect and c.effect.this_option) or any(a.this_option for a in c.arms)]
    ranked = sorted(own or comparisons, key=rank)
    return ranked[0] if ranked else None


def headline_text(c: Comparison) -> str:
    """'NETTER-1: median PFS >27 vs 8.4 months (Pavel 2016)', the option's arm first."""
    where = f" ({c.subgroup})" if c.subgroup else ""
    if c.effect:
        body = f"{c.label} {value_text(c.effect)}" + (f" vs {c.comparator}" if c.comparator else "")
    else:
        arms = sorted(c.arms, key=lambda a: not a.this_option)
        unit = arms[0].unit
        vals = [f"{a.qualifier or ''}{num(a.value)}" for a in arms]
        if len(arms) > 1 and all(a.this_option for a in arms):  # cohorts, not comparators
            body = f"{c.label} " + "; ".join(f"{value_text(a)} ({a.name})" for a in arms)
        else:
            body = f"{c.label} " + " vs ".join(vals) + ("%" if unit == "%" else f" {unit}")
            if len(arms) > 1:
                body += f" ({arms[0].name} vs {', '.join(a.name for a in arms[1:])})"
    if c.p:
        body += f", p {c.p}" if c.p[0] in "<>=" else f", p = {c.p}"
    return f"{c.trial_name}{where}: {body} [{', '.join(c.source_names)}]"
