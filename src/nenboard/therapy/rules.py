"""Evaluate the knowledge base's planner rules against the case facts.

A rule is *in scope* when its line matches and ``when`` is met; it is *offered*
when every requirement is met, *excluded* (with the requirement's ``unmet``
text) when one is not met, and *pending* when one is unknown: then the missing
facts are listed as "to complete". A rule whose scope is unknown is pending too.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from nenboard.knowledge.compile import check_of
from nenboard.knowledge.conditions import Truth
from nenboard.knowledge.facts import spec_for
from nenboard.knowledge.loader import KnowledgeBase
from nenboard.knowledge.schema import Rule
from nenboard.therapy.cautions import check_cautions, check_prerequisites
from nenboard.therapy.evidence import strongest_level, trial_evidence
from nenboard.therapy.model import Exclusion, Option, ToComplete

_LINE = re.compile(r"^\s*(\d+)\s*(\+|-\s*(\d+))?\s*$")


def line_matches(spec: str, line: int | None) -> bool:
    """'any', '2' (exactly), '2+' (2 or later), '1-2' (range)."""
    bounds = _line_bounds(spec)
    if bounds is None:
        return True
    if line is None or bounds == ():
        return False
    low, high = bounds
    return low <= line and (high is None or line <= high)


@functools.lru_cache(maxsize=256)
def _line_bounds(spec: str) -> tuple[int, int | None] | tuple[()] | None:
    """None for 'any', () for an unreadable spec, else (low, high or None for open)."""
    if spec.strip().lower() == "any":
        return None
    m = _LINE.match(spec)
    if m is None:
        return ()
    low = int(m.group(1))
    if m.group(2) == "+":
        return low, None
    return low, int(m.group(3)) if m.group(3) else low


def show(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(map(str, value)) + "]" if value else "[]"
    return str(value)


def describe_facts(used: Mapping[str, Any]) -> str:
    return ", ".join(f"{k}={show(v)}" for k, v in used.items() if v is not None)


def missing_text(fact: str) -> str:
    spec = spec_for(fact)
    return f"state {spec.description if spec else fact} ({fact})"


@dataclass
class RuleOutcome:
    options: list[Option] = field(default_factory=list)
    excluded: list[Exclusion] = field(default_factory=list)
    to_complete: dict[str, ToComplete] = field(default_factory=dict)

    generic: set[str] = field(default_factory=set)

    def need(self, item: str, facts: list[str], affects: str, generic: bool = False) -> None:
        entry = self.to_complete.setdefault(item, ToComplete(item=item, facts=[]))
        entry.facts += [f for f in facts if f not in entry.facts]
        if affects not in entry.affects:
            entry.affects.append(affects)
        if generic:
            self.generic.add(item)

    def finish(self) -> None:
        """Fold a generic 'state <fact>' item into a rule's own wording for the same facts."""
        for item in sorted(self.generic):
            entry = self.to_complete[item]
            specific = next((e for k, e in sorted(self.to_complete.items())
                             if k not in self.generic and e.facts == entry.facts), None)
            if specific is not None:
                specific.affects += [a for a in entry.affects if a not in specific.affects]
                del self.to_complete[item]


def build_option(rule: Rule, kb: KnowledgeBase, facts: Mapping[str, Any],
                 used: dict[str, Any]) -> Option:
    evidence = [trial_evidence(t, kb) for t in rule.evidence]
    esmo = rule.esmo_level or strongest_level([e.esmo_level for e in evidence])
    classes = list(dict.fromkeys([*rule.classes, *kb.classes_of(rule.therapy)]))
    line = "any" if rule.line.strip().lower() == "any" else show(facts.get("line"))
    triggered = {k: v for k, v in used.items() if v is not None}
    rationale = [rule.rationale.strip()]
    if triggered:
        rationale.append("Case facts: " + describe_facts(triggered))
    return Option(
        therapy=rule.therapy, name=rule.name, category=rule.category, line=line,
        rationale=rationale, evidence=evidence, citations=list(rule.citations), esmo_level=esmo,
        triggered_by=triggered, benefit=[b for e in evidence for b in e.benefit],
        prerequisites=check_prerequisites(rule, facts), cautions=check_cautions(rule, kb, facts),
        classes=classes, rules=[rule.id], priority=rule.priority)


def evaluate_rules(kb: KnowledgeBase, facts: Mapping[str, Any]) -> RuleOutcome:
    out = RuleOutcome()
    line_fact = facts.get("line")
    for rule in sorted(kb.rules.values(), key=lambda r: r.id):
        if not line_matches(rule.line, line_fact):
            continue
        scope = check_of(rule.when)
        truth = scope.test(facts)
        if truth is Truth.NOT_MET:  # most rules: out of scope, nothing to report
            continue
        scope_used = scope.used(facts)
        if truth is Truth.UNKNOWN:
            missing = [k for k, v in scope_used.items() if v is None]
            for fact in missing:
                out.need(missing_text(fact), [fact], rule.name, generic=True)
            out.excluded.append(Exclusion(
                therapy=rule.therapy, name=rule.name, kind="pending", category=rule.category,
                rule=rule.id, citations=list(rule.citations),
                reason="pending: whether it applies depends on " + ", ".join(missing)))
            continue
        used = scope_used
        unmet: list[str] = []
        unknown: list[tuple[str, list[str]]] = []
        for req in rule.requires:
            truth, req_used = check_of(req.condition)(facts)
            used.update(req_used)
            if truth is Truth.NOT_MET:
                unmet.append(req.unmet)
            elif truth is Truth.UNKNOWN:
                missing = [k for k, v in req_used.items() if v is None]
                text = req.unknown or "; ".join(missing_text(f) for f in missing)
                unknown.append((text, missing))
        if unmet:
            out.excluded.append(Exclusion(
                therapy=rule.therapy, name=rule.name, kind="requirement", category=rule.category,
                rule=rule.id, reason="; ".join(unmet), citations=list(rule.citations)))
        elif unknown:
            for text, missing in unknown:
                out.need(text, missing, rule.name)
            out.excluded.append(Exclusion(
                therapy=rule.therapy, name=rule.name, kind="pending", category=rule.category,
                rule=rule.id, citations=list(rule.citations),
                reason="pending: " + "; ".join(text for text, _ in unknown)))
        else:
            out.options.append(build_option(rule, kb, facts, used))
    out.finish()
    return out
