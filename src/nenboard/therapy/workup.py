"""Work-up ranking: what to complete, each with the options and trials it decides.

Items come from two places: the rules (a requirement or scope fact the case does
not state) and the knowledge base's work-up requests (`WorkupRequest`: the tests
the plan's own options and trials need, with citations). A request is made when
its ``when`` holds and one of its facts is unknown; rule items that ask for the
same facts fold into it. Ranking: requests that decide the entity first
(priority 0), then by how many options and trials the item would change, then
by priority.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from nenboard.knowledge.compile import check_of
from nenboard.knowledge.loader import KnowledgeBase
from nenboard.therapy.model import Exclusion, Option, ToComplete

RULE_PRIORITY = 50


def _decided(decides: set[str], kb: KnowledgeBase, therapy: str, classes: list[str]) -> bool:
    return bool(decides & {therapy, *classes, *kb.classes_of(therapy)})


def requests(kb: KnowledgeBase, facts: Mapping[str, Any], options: list[Option],
             pending: list[Exclusion]) -> list[tuple[int, ToComplete]]:
    out = []
    for w in sorted(kb.workup.values(), key=lambda w: w.id):
        if w.when is not None and not check_of(w.when).met(facts):
            continue
        if w.facts and all(facts.get(f) is not None for f in w.facts):
            continue
        decides = set(w.decides)
        affects = [o.name for o in options if o.origin != "trial_matcher"
                   and _decided(decides, kb, o.therapy, o.classes)]
        affects += [e.name for e in pending if e.kind == "pending"
                    and _decided(decides, kb, e.therapy, [])]
        trials = [o.name for o in options if o.origin == "trial_matcher"
                  and _decided(decides, kb, o.therapy, o.classes)]
        out.append((w.priority, ToComplete(
            item=w.item, facts=list(w.facts), affects=list(dict.fromkeys(affects)),
            trials=list(dict.fromkeys(trials)), why=" ".join(w.why.split()), request=w.id,
            citations=list(w.citations))))
    return out


def rank(rule_items: list[ToComplete], kb: KnowledgeBase, facts: Mapping[str, Any],
         options: list[Option], pending: list[Exclusion]) -> list[ToComplete]:
    made = requests(kb, facts, options, pending)
    ranked: list[tuple[int, ToComplete]] = []
    for item in rule_items:
        home = next((t for _, t in made if t.facts and set(item.facts) <= set(t.facts)), None)
        if home is not None:
            home.affects += [a for a in item.affects if a not in home.affects]
        else:
            ranked.append((RULE_PRIORITY, item))
    ranked += made

    def key(pair: tuple[int, ToComplete]) -> tuple[bool, int, int, str]:
        priority, t = pair
        return priority > 0, -(len(t.affects) + len(t.trials)), priority, t.item

    return [t for _, t in sorted(ranked, key=key)]
