"""Trial evidence for an option: the key numbers, pulled from the knowledge base."""

from __future__ import annotations

from nenboard.knowledge.loader import KnowledgeBase
from nenboard.knowledge.schema import Outcome, Trial
from nenboard.memo import per_kb
from nenboard.therapy.model import ESMO_ORDER, Benefit, Evidence

RATIO_UNITS = ("HR", "OR", "RR")
MAX_ENDPOINTS = 6


def num(value: float) -> str:
    return f"{value:g}"


def _unit(value: float, unit: str, qualifier: str | None = None) -> str:
    """'27 months', '18%', or '>27 months' for a bound such as a median not reached."""
    text = f"{num(value)}%" if unit == "%" else f"{num(value)} {unit}"
    return f"{qualifier}{text}" if qualifier else text


def _arm_name(trial: Trial, arm: str) -> str:
    for a in trial.arms:
        if arm in (a.id, a.name):
            return a.name
    return arm


def benefit_text(trial: Trial, o: Outcome) -> str:
    when = f" at {o.timepoint}" if o.timepoint else ""
    if o.unit in RATIO_UNITS:
        text = f"{o.endpoint}{when} {o.unit} {num(o.value)}"
        if o.ci_low is not None and o.ci_high is not None:
            level = f"{num(o.ci_level)}% " if o.ci_level else ""
            text += f" ({level}CI {num(o.ci_low)}-{num(o.ci_high)})"
        vs = f" vs {_arm_name(trial, o.comparator)}" if o.comparator else ""
        text += f", {_arm_name(trial, o.arm)}{vs}"
    else:
        text = f"{o.endpoint}{when} {_unit(o.value, o.unit, o.qualifier)} ({_arm_name(trial, o.arm)})"
    if o.p:
        text += f", p {o.p}" if o.p[0] in "<>=" else f", p = {o.p}"
    return text


def _summary(trial: Trial) -> str:
    """'NETTER-1 (phase 3, randomized, n=229): PFS HR 0.21 ...; ORR 18% vs 3%'."""
    design = []
    if trial.phase:
        design.append(f"phase {trial.phase}")
    if trial.design.randomized is not None:
        design.append("randomized" if trial.design.randomized else "non-randomized")
    if trial.design.n:
        design.append(f"n={trial.design.n}")
    head = trial.name + (f" ({', '.join(design)})" if design else "")
    groups: dict[tuple[str, str | None], list[Outcome]] = {}
    for o in trial.outcomes:
        groups.setdefault((o.endpoint, o.timepoint), []).append(o)
    parts = []
    for (endpoint, timepoint), outs in list(groups.items())[:MAX_ENDPOINTS]:
        ratios = [o for o in outs if o.unit in RATIO_UNITS]
        values = [o for o in outs if o.unit not in RATIO_UNITS]
        if values:
            when = f" at {timepoint}" if timepoint else ""
            arms = " vs ".join(f"{_unit(o.value, o.unit, o.qualifier)} ({_arm_name(trial, o.arm)})"
                               for o in values)
            ps = [o.p for o in values if o.p]
            parts.append(f"{endpoint}{when} {arms}" + (f", p {ps[0]}" if ps else ""))
        parts += [benefit_text(trial, o) for o in ratios]
    return head + (": " + "; ".join(parts) if parts else ": outcomes not transcribed")


def trial_evidence(trial_id: str, kb: KnowledgeBase) -> Evidence:
    """The evidence line of a trial (shared, read-only: built once per knowledge base)."""
    evidence = _curated_evidence(kb).get(trial_id)
    if evidence is None:
        return Evidence(trial=trial_id, name=trial_id, curated=False,
                        summary=f"{trial_id}: not (yet) curated in the knowledge base; see the "
                                "rule's citations")
    return evidence


@per_kb
def _curated_evidence(kb: KnowledgeBase) -> dict[str, Evidence]:
    return {trial.id: _evidence(trial) for trial in kb.trials.values()}


def _evidence(trial: Trial) -> Evidence:
    benefit = [Benefit(trial=trial.id, endpoint=o.endpoint, arm=_arm_name(trial, o.arm),
                       value=o.value, unit=o.unit, comparator=o.comparator, ci_low=o.ci_low,
                       ci_high=o.ci_high, p=o.p, timepoint=o.timepoint,
                       text=benefit_text(trial, o), citations=list(o.citations))
               for o in trial.outcomes]
    design = trial.design.description or None
    return Evidence(trial=trial.id, name=trial.name, summary=_summary(trial), phase=trial.phase,
                    design=design, esmo_level=trial.esmo_level,
                    population=trial.population.description, benefit=benefit,
                    citations=list(trial.citations))


def strongest_level(levels: list[str | None]) -> str | None:
    known = [lv for lv in levels if lv in ESMO_ORDER]
    return min(known, key=ESMO_ORDER.index) if known else None
