"""The declarative condition language of planner rules, eligibility criteria,
pathology flags and safety gates.

A condition is data, never code. It is one of

* a test on one fact: ``{fact: ki67, gt: 20, le: 55}``; operators ``eq``, ``ne``,
  ``in``, ``not_in``, ``gt``, ``ge``, ``lt``, ``le``, ``present``, ``contains``
  (list fact holds the value), ``contains_any`` (list fact holds any of them);
  several operators on one fact must all hold;
* ``{all: [...]}``, ``{any: [...]}``, ``{not: {...}}``.

Evaluation is three-valued (Kleene): a fact the case does not state is
*unknown*, and unknown propagates, so a missing fact is never guessed. The
verdict carries the facts it used so every answer can show its reasons.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, model_validator

COMPARISONS = ("eq", "ne", "in", "not_in", "gt", "ge", "lt", "le", "present", "contains",
               "contains_any")


class Truth(StrEnum):
    """Three-valued truth: ``met``, ``not_met`` or ``unknown``."""

    MET = "met"
    NOT_MET = "not_met"
    UNKNOWN = "unknown"


class FactTest(BaseModel):
    """A test on one named fact; all given operators must hold."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    fact: str
    eq: Any = None
    ne: Any = None
    in_: list[Any] | None = Field(default=None, alias="in")
    not_in: list[Any] | None = None
    gt: float | None = None
    ge: float | None = None
    lt: float | None = None
    le: float | None = None
    present: bool | None = None
    contains: Any = None
    contains_any: list[Any] | None = None

    _ops: tuple[tuple[str, Any], ...] = PrivateAttr(default=())

    @model_validator(mode="after")
    def _has_operator(self) -> FactTest:
        ops = tuple((op, getattr(self, _attr(op))) for op in COMPARISONS
                    if getattr(self, _attr(op)) is not None)
        if not ops:
            raise ValueError(f"fact test on {self.fact!r} needs one of {', '.join(COMPARISONS)}")
        self._ops = ops  # evaluated millions of times in a batch: computed once here
        return self

    def operators(self) -> tuple[tuple[str, Any], ...]:
        return self._ops


class AllOf(BaseModel):
    model_config = ConfigDict(extra="forbid")
    all: list[Condition]


class AnyOf(BaseModel):
    model_config = ConfigDict(extra="forbid")
    any: list[Condition]


class NotOf(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    not_: Condition = Field(alias="not")


Condition = FactTest | AllOf | AnyOf | NotOf
AllOf.model_rebuild()
AnyOf.model_rebuild()
NotOf.model_rebuild()


def _attr(op: str) -> str:
    return "in_" if op == "in" else op


class Verdict(BaseModel):
    """Result of evaluating a condition: the truth and the facts it read."""

    truth: Truth
    used: dict[str, Any] = Field(default_factory=dict)

    @property
    def met(self) -> bool:
        return self.truth is Truth.MET


def _compare(op: str, actual: Any, expected: Any) -> bool:
    match op:
        case "eq":
            return actual == expected
        case "ne":
            return actual != expected
        case "in":
            return actual in expected
        case "not_in":
            return actual not in expected
        case "gt":
            return actual > expected
        case "ge":
            return actual >= expected
        case "lt":
            return actual < expected
        case "le":
            return actual <= expected
        case "contains":
            return expected in actual
        case "contains_any":
            return any(item in actual for item in expected)
    raise ValueError(f"unknown operator {op!r}")  # unreachable: the model forbids it


def evaluate(condition: Condition, facts: Mapping[str, Any]) -> Verdict:
    """Evaluate ``condition`` against ``facts`` (absent or None = unknown)."""
    used: dict[str, Any] = {}
    truth = _eval(condition, facts, used)
    return Verdict(truth=truth, used=used)


def _eval(cond: Condition, facts: Mapping[str, Any], used: dict[str, Any]) -> Truth:
    if isinstance(cond, FactTest):
        value = facts.get(cond.fact)
        used[cond.fact] = value
        results = []
        for op, expected in cond.operators():
            if op == "present":
                results.append((value is not None) == bool(expected))
            elif value is None:
                return Truth.UNKNOWN
            else:
                try:
                    results.append(_compare(op, value, expected))
                except TypeError:
                    return Truth.UNKNOWN
        return Truth.MET if all(results) else Truth.NOT_MET
    if isinstance(cond, AllOf):
        parts = [_eval(c, facts, used) for c in cond.all]
        if Truth.NOT_MET in parts:
            return Truth.NOT_MET
        return Truth.UNKNOWN if Truth.UNKNOWN in parts else Truth.MET
    if isinstance(cond, AnyOf):
        parts = [_eval(c, facts, used) for c in cond.any]
        if Truth.MET in parts:
            return Truth.MET
        return Truth.UNKNOWN if Truth.UNKNOWN in parts else Truth.NOT_MET
    inner = _eval(cond.not_, facts, used)
    return {Truth.MET: Truth.NOT_MET, Truth.NOT_MET: Truth.MET}.get(inner, Truth.UNKNOWN)


def fact_tests(cond: Condition) -> Iterator[FactTest]:
    """Every fact test inside a condition (for checking fact names and values)."""
    if isinstance(cond, FactTest):
        yield cond
    elif isinstance(cond, AllOf):
        for c in cond.all:
            yield from fact_tests(c)
    elif isinstance(cond, AnyOf):
        for c in cond.any:
            yield from fact_tests(c)
    else:
        yield from fact_tests(cond.not_)


