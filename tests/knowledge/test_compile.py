"""The compiled fast path agrees with the reference evaluator on every input."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from nenboard.knowledge.compile import compile_condition, facts_read
from nenboard.knowledge.conditions import AllOf, AnyOf, FactTest, NotOf, Truth, evaluate

FACT_NAMES = ["a", "b", "c", "lst"]
SCALARS = st.one_of(st.none(), st.integers(-3, 3), st.sampled_from(["x", "y", "z"]),
                    st.booleans(), st.floats(-3, 3, allow_nan=False))
VALUES = st.one_of(SCALARS, st.lists(st.sampled_from(["x", "y", "z", 1, 2]), max_size=3))


@st.composite
def fact_tests(draw: Any) -> FactTest:
    ops: dict[str, Any] = {}
    for op in draw(st.lists(st.sampled_from(["eq", "ne", "in", "not_in", "gt", "ge", "lt", "le",
                                             "present", "contains", "contains_any"]),
                            min_size=1, max_size=3, unique=True)):
        if op in ("in", "not_in", "contains_any"):
            ops[op] = draw(st.lists(st.sampled_from(["x", "y", 1, 2, True]), max_size=3))
        elif op in ("gt", "ge", "lt", "le"):
            ops[op] = draw(st.integers(-2, 2))
        elif op == "present":
            ops[op] = draw(st.booleans())
        else:
            ops[op] = draw(st.sampled_from(["x", "y", 1, 2, True, False]))
    return FactTest.model_validate({"fact": draw(st.sampled_from(FACT_NAMES)), **ops})


conditions = st.recursive(
    fact_tests(),
    lambda inner: st.one_of(
        st.lists(inner, min_size=0, max_size=3).map(lambda xs: AllOf(all=xs)),
        st.lists(inner, min_size=0, max_size=3).map(lambda xs: AnyOf(any=xs)),
        inner.map(lambda x: NotOf.model_validate({"not": x})),
    ),
    max_leaves=8,
)
facts = st.dictionaries(st.sampled_from(FACT_NAMES), VALUES, max_size=4)


@settings(max_examples=400, deadline=None)
@given(conditions, facts)
def test_compiled_equals_evaluate(cond: Any, case_facts: dict[str, Any]) -> None:
    expected = evaluate(cond, case_facts)
    got = compile_condition(cond)(case_facts)
    assert got is expected.truth
    assert list(facts_read(cond)) == list(expected.used)  # same facts, same order


def test_unknown_propagates_and_present_is_never_unknown() -> None:
    dll3 = FactTest.model_validate({"fact": "ihc.DLL3", "eq": "positive"})
    assert compile_condition(dll3)({}) is Truth.UNKNOWN
    assert compile_condition(NotOf.model_validate({"not": dll3}))({}) is Truth.UNKNOWN
    present = FactTest.model_validate({"fact": "ki67", "present": True})
    assert compile_condition(present)({}) is Truth.NOT_MET
    assert compile_condition(present)({"ki67": 3}) is Truth.MET


def test_type_mismatch_is_unknown_not_an_error() -> None:
    cond = FactTest.model_validate({"fact": "ki67", "gt": 20})
    assert compile_condition(cond)({"ki67": "high"}) is Truth.UNKNOWN
