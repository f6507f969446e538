"""Compile condition-language trees into fast closures (same semantics as `evaluate`).

`nenboard.knowledge.conditions.evaluate` walks pydantic models and builds a
`Verdict` per call; matching thousands of cases against every trial needs
less overhead. `compile_condition` turns a condition into a plain function
``facts -> Truth`` once; a property test checks it agrees with `evaluate` on
random conditions and facts. No clinical knowledge here: only the language.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from nenboard.knowledge.conditions import AllOf, AnyOf, Condition, FactTest, Truth, fact_tests

Facts = Mapping[str, Any]
Compiled = Callable[[Facts], Truth]

MET, NOT_MET, UNKNOWN = Truth.MET, Truth.NOT_MET, Truth.UNKNOWN


def _predicate(op: str, expected: Any) -> Callable[[Any], bool]:
    """A raw comparison ``actual <op> expected`` (may raise TypeError)."""
    match op:
        case "eq":
            return lambda v: v == expected
        case "ne":
            return lambda v: v != expected
        case "in":
            return lambda v: v in expected
        case "not_in":
            return lambda v: v not in expected
        case "gt":
            return lambda v: v > expected
        case "ge":
            return lambda v: v >= expected
        case "lt":
            return lambda v: v < expected
        case "le":
            return lambda v: v <= expected
        case "contains":
            return lambda v: expected in v
        case "contains_any":
            items = tuple(expected)
            return lambda v: any(item in v for item in items)
    raise ValueError(f"unknown operator {op!r}")


def _compile_test(test: FactTest) -> Compiled:
    name = test.fact
    ops = list(test.operators())
    if len(ops) == 1 and ops[0][0] != "present":
        pred = _predicate(*ops[0])

        def single(facts: Facts) -> Truth:
            value = facts.get(name)
            if value is None:
                return UNKNOWN
            try:
                return MET if pred(value) else NOT_MET
            except TypeError:
                return UNKNOWN

        return single

    # General case: operators in the language's fixed order, exactly like `evaluate`.
    steps: list[tuple[bool, Any]] = [
        (True, bool(expected)) if op == "present" else (False, _predicate(op, expected))
        for op, expected in ops
    ]

    def multi(facts: Facts) -> Truth:
        value = facts.get(name)
        ok = True
        for is_presence, check in steps:
            if is_presence:
                ok = ok and ((value is not None) == check)
            elif value is None:
                return UNKNOWN
            else:
                try:
                    ok = check(value) and ok
                except TypeError:
                    return UNKNOWN
        return MET if ok else NOT_MET

    return multi


def compile_condition(cond: Condition) -> Compiled:
    """A function ``facts -> Truth`` equivalent to ``evaluate(cond, facts).truth``."""
    if isinstance(cond, FactTest):
        return _compile_test(cond)
    if isinstance(cond, AllOf):
        return _junction(cond.all, decisive=NOT_MET, otherwise=MET)
    if isinstance(cond, AnyOf):
        return _junction(cond.any, decisive=MET, otherwise=NOT_MET)
    inner = compile_condition(cond.not_)

    def not_of(facts: Facts) -> Truth:
        t = inner(facts)
        return NOT_MET if t is MET else MET if t is NOT_MET else UNKNOWN

    return not_of


def _junction(conds: list[Condition], decisive: Truth, otherwise: Truth) -> Compiled:
    """Kleene AND (a not-met part decides) or OR (a met part decides); else unknown wins."""
    parts = tuple(compile_condition(c) for c in conds)

    def junction(facts: Facts) -> Truth:
        unknown = False
        for part in parts:  # the facts read come from `facts_read`, so stopping early is safe
            t = part(facts)
            if t is decisive:
                return decisive
            unknown = unknown or t is UNKNOWN
        return UNKNOWN if unknown else otherwise

    return junction


def facts_read(cond: Condition) -> tuple[str, ...]:
    """The fact names a condition reads, in first-use order (what `evaluate` reports)."""
    return tuple(dict.fromkeys(t.fact for t in fact_tests(cond)))


@dataclass(frozen=True, slots=True)
class Check:
    """A compiled condition that also reports the facts it read, like a `Verdict`."""

    test: Compiled
    reads: tuple[str, ...]

    def __call__(self, facts: Facts) -> tuple[Truth, dict[str, Any]]:
        return self.test(facts), self.used(facts)

    def used(self, facts: Facts) -> dict[str, Any]:
        return {name: facts.get(name) for name in self.reads}

    def met(self, facts: Facts) -> bool:
        return self.test(facts) is MET


_CHECKS: OrderedDict[int, tuple[Condition, Check]] = OrderedDict()
_CHECKS_SIZE = 4096  # the knowledge base holds a few hundred conditions outside the trials
_LOCK = threading.Lock()


def check_of(cond: Condition) -> Check:
    """``evaluate(cond, facts)`` as a callable returning (truth, used), compiled once.

    Knowledge-base conditions are immutable once loaded, so the compiled form is
    cached per condition object (the entry holds the object, so its id is never
    reused while the entry lives).
    """
    key = id(cond)
    hit = _CHECKS.get(key)  # a lone dict read is atomic; the lock guards the writes
    if hit is not None and hit[0] is cond:
        return hit[1]
    check = Check(compile_condition(cond), facts_read(cond))
    with _LOCK:
        _CHECKS[key] = (cond, check)
        while len(_CHECKS) > _CHECKS_SIZE:
            _CHECKS.popitem(last=False)
    return check
