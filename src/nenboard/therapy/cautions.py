"""Cautions from the sources, checked against the case (diabetes, eGFR, ...)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from nenboard.knowledge.compile import check_of
from nenboard.knowledge.conditions import Truth
from nenboard.knowledge.facts import spec_for
from nenboard.knowledge.loader import KnowledgeBase
from nenboard.knowledge.schema import Caution, Rule, Toxicity
from nenboard.therapy.model import CautionCheck


def _fact_status(names: list[str], facts: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    shown = {n: facts.get(n) for n in names}
    return ("unknown" if any(v is None for v in shown.values()) else "check"), shown


def rule_caution(c: Caution, facts: Mapping[str, Any], source: str) -> CautionCheck | None:
    shown: dict[str, Any] = {}
    if c.when is not None:
        truth, used = check_of(c.when)(facts)
        if truth is Truth.NOT_MET:
            return None
        status = "applies" if truth is Truth.MET else "unknown"
        shown.update(used)
    else:
        status = "check"
    if c.facts:
        fact_status, values = _fact_status(c.facts, facts)
        shown.update(values)
        if status == "check":
            status = fact_status
    return CautionCheck(text=c.text, status=status, facts=shown, source=source,
                        citations=list(c.citations))


def toxicity_caution(t: Toxicity, facts: Mapping[str, Any], source: str) -> CautionCheck | None:
    text = t.name + (f": {t.note}" if t.note else "")
    if not t.fact:
        return CautionCheck(text=text, status="check", source=source, citations=list(t.citations))
    value = facts.get(t.fact)
    spec = spec_for(t.fact)
    if spec is not None and spec.type == "bool":
        if value is False:
            return None
        status = "applies" if value is True else "unknown"
    else:
        status = "unknown" if value is None else "check"
    return CautionCheck(text=text, status=status, facts={t.fact: value}, source=source,
                        citations=list(t.citations))


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
    order = {"applies": 0, "unknown": 1, "check": 2}
    return sorted(out, key=lambda c: order[c.status])
