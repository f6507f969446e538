"""Cautions and prerequisites from the sources, applied to the case.

Each is evaluated, not listed: ``applies`` (with the value that triggered it; a standing caution such as
"renal toxicity is reported" applies to anyone given the therapy and shows the
stated value), ``to_check`` (a fact it needs is unknown) or, for prerequisites,
``met`` (the case fulfils it: never repeated as a to-do).
Thresholds live in the knowledge-base conditions (``when`` / ``met_when``), with
their citations; nothing here is a clinical number.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from nenboard.knowledge.compile import check_of
from nenboard.knowledge.conditions import Truth
from nenboard.knowledge.facts import spec_for
from nenboard.knowledge.loader import KnowledgeBase
from nenboard.knowledge.schema import Caution, PrerequisiteSpec, Rule, Toxicity
from nenboard.therapy.model import CautionCheck, Prerequisite

ORDER = {"applies": 0, "to_check": 1, "met": 2}


def _shown(names: list[str], facts: Mapping[str, Any]) -> dict[str, Any]:
    return {n: facts.get(n) for n in names}


def _known(values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}


def rule_caution(c: Caution, facts: Mapping[str, Any], source: str) -> CautionCheck | None:
    """None when the case rules the caution out (its ``when`` is not met)."""
    read: dict[str, Any] = {}
    triggered: dict[str, Any] = {}
    if c.when is not None:
        truth, used = check_of(c.when)(facts)
        if truth is Truth.NOT_MET:
            return None
        read.update(used)
        if truth is Truth.MET:
            triggered = _known(used)
        status = "applies" if truth is Truth.MET else "to_check"
    elif c.facts:
        status = "applies"  # a standing caution for anyone given the therapy: values shown
    else:
        status = "to_check"  # nothing in the case can settle it
    if c.facts:
        values = _shown(c.facts, facts)
        read.update(values)
        if c.when is None and any(v is None for v in values.values()):
            status = "to_check"
        if status == "applies":
            triggered.update(_known(values))
    return CautionCheck(text=c.text, status=status, triggered_by=triggered, facts=read,
                        source=source, citations=list(c.citations))


def toxicity_caution(t: Toxicity, facts: Mapping[str, Any], source: str) -> CautionCheck | None:
    text = t.name + (f": {t.note}" if t.note else "")
    if not t.fact:
        return CautionCheck(text=text, status="to_check", source=source,
                            citations=list(t.citations))
    value = facts.get(t.fact)
    spec = spec_for(t.fact)
    if spec is not None and spec.type == "bool":
        if value is False:
            return None
        status = "applies" if value is True else "to_check"
    else:
        status = "to_check" if value is None else "met"
    return CautionCheck(text=text, status=status, facts={t.fact: value},
                        triggered_by={t.fact: value} if status == "applies" else {},
                        source=source, citations=list(t.citations))


def check_cautions(rule: Rule, kb: KnowledgeBase, facts: Mapping[str, Any]) -> list[CautionCheck]:
    """The rule's own cautions, then the toxicities of the therapy and its components."""
    out = [c for c in (rule_caution(c, facts, f"rule {rule.id}") for c in rule.cautions) if c]
    seen = {c.text for c in out}
    for tid in dict.fromkeys([rule.therapy, *kb.components_of(rule.therapy)]):
        rec = kb.therapy(tid)
        for tox in getattr(rec, "toxicities", []) if rec else []:
            checked = toxicity_caution(tox, facts, tid)
            if checked and checked.text not in seen:
                seen.add(checked.text)
                out.append(checked)
    return sorted(out, key=lambda c: ORDER[c.status])


def check_prerequisite(p: str | PrerequisiteSpec, rule: Rule,
                       facts: Mapping[str, Any]) -> Prerequisite:
    if isinstance(p, str):
        return Prerequisite(text=p, status="to_check", citations=list(rule.citations[:1]))
    citations = list(p.citations or rule.citations[:1])
    values = _shown(p.facts, facts)
    if p.met_when is not None:
        truth, used = check_of(p.met_when)(facts)
        values.update(used)
        status = {Truth.MET: "met", Truth.NOT_MET: "applies"}.get(truth, "to_check")
    else:
        status = "met" if p.facts and all(v is not None for v in values.values()) else "to_check"
    return Prerequisite(text=p.text, status=status, triggered_by=_known(values),
                        citations=citations)


def check_prerequisites(rule: Rule, facts: Mapping[str, Any]) -> list[Prerequisite]:
    out = [check_prerequisite(p, rule, facts) for p in rule.prerequisites]
    return sorted(out, key=lambda p: ORDER[p.status])
