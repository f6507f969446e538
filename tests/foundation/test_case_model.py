"""The case model accepts what clinicians write and rejects nonsense with a clear error."""

from __future__ import annotations

import json

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nenboard.case import read_case
from nenboard.case.read import parse_document
from nenboard.errors import InputError


def _problems(data, kb=None):
    with pytest.raises(InputError) as info:
        read_case(data, kb)
    return {p.path: p for p in info.value.problems}


@pytest.mark.parametrize(("section", "field", "value", "allowed"), [
    ("tumor", "ki67", 150, "0 to 100"), ("tumor", "ki67", -1, "0 to 100"),
    ("tumor", "mitoses", -0.5, ">= 0"), ("tumor", "minen_fraction", 1.5, "0 to 1"),
    ("patient", "ecog", 5, "0 to 4"), ("tumor", "liver_tumor_burden", 101, "0 to 100"),
])
def test_ranges_name_field_value_and_allowed(section, field, value, allowed):
    problem = _problems({section: {field: value}})[f"{section}.{field}"]
    assert problem.value == value
    assert allowed in problem.message


def test_near_miss_vocabulary_suggests():
    problem = _problems({"tumor": {"primary_site": "pancreatic"}})["tumor.primary_site"]
    assert "did you mean 'pancreas'" in problem.message
    assert "jejunum_ileum" in problem.message  # lists what is allowed
    assert "did you mean 'liver'" in _problems(
        {"tumor": {"metastases": ["lvier"]}})["tumor.metastases[0]"].message


def test_case_variants_are_accepted_but_aliases_are_not_guessed():
    case = read_case({"tumor": {"primary_site": "Pancreas", "differentiation": "WELL"}})
    assert case.tumor.primary_site == "pancreas" and case.tumor.differentiation == "well"
    assert "tumor.primary_site" in _problems({"tumor": {"primary_site": "small intestine"}})


def test_unknown_keys_are_reported_with_allowed_keys():
    problems = _problems({"tumor": {"ki_67": 5}, "imagign": {}})
    assert "ki67" in problems["tumor.ki_67"].message
    assert "imaging" in problems["imagign"].message


@pytest.mark.parametrize(("value", "ok"), [("2023-01", True), ("2023-01-15", True),
                                           ("2023", True), ("2023-13", False),
                                           ("2023-02-30", False), ("last spring", False)])
def test_dates(value, ok):
    data = {"history": [{"therapy": "x", "start": value}]}
    if ok:
        assert read_case(data).history[0].start == value
    else:
        assert "history[0].start" in _problems(data)


def test_end_before_start_is_an_error():
    assert "history[0]" in _problems(
        {"history": [{"therapy": "x", "start": "2024-01", "end": "2023-01"}]})


def test_missing_facts_stay_unknown():
    case = read_case({"tumor": {"differentiation": "well"}})
    assert case.tumor.ki67 is None and case.imaging.sstr is None and case.history == []


def test_unknown_therapy_is_an_error_with_suggestion(kb):
    problem = _problems({"history": [{"therapy": "everolimuss"}]}, kb)["history[0].therapy"]
    assert "did you mean" in problem.message.lower()


def test_therapy_synonyms_resolve(kb):
    case = read_case({"history": [{"therapy": "Afinitor"}, {"therapy": "RAD001"}]}, kb)
    assert [h.therapy_id for h in case.history] == ["everolimus", "everolimus"]


def test_every_problem_is_reported_at_once():
    with pytest.raises(InputError) as info:
        read_case({"tumor": {"ki67": 200, "mitoses": -1}, "patient": {"ecog": 9}})
    assert len(info.value.problems) == 3
    lines = info.value.lines()
    assert len(lines) == 3
    for path in ("tumor.ki67", "tumor.mitoses", "patient.ecog"):
        assert path in info.value.one_line()
        assert sum(path in line for line in lines) == 1


@pytest.mark.parametrize("text", ["", "   \n", "a: [", "{not json", "\x00\x01"])
def test_unparseable_documents(text):
    with pytest.raises(InputError):
        parse_document(text, "x.yaml")


# -- property tests: any document validates or fails cleanly ----------------------------
scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6),
                    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=20))
keys = st.sampled_from(["patient", "tumor", "imaging", "history", "molecular", "symptoms",
                        "labs", "ki67", "mitoses", "primary_site", "differentiation", "age",
                        "ecog", "sstr", "therapy", "start", "end", "alterations", "gene",
                        "alteration", "ihc", "msi", "tmb", "minen_fraction", "metastases"])
documents = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.one_of(keys, st.text(max_size=8)), inner,
                                                 max_size=5)), max_leaves=25)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents)
def test_arbitrary_documents_validate_or_fail_cleanly(kb, doc):
    try:
        read_case(doc, kb) if isinstance(doc, dict) else parse_document(json.dumps(doc))
    except InputError as exc:
        assert exc.one_line()


tumor_values = st.fixed_dictionaries({}, optional={
    "ki67": st.one_of(st.floats(-50, 200), st.text(max_size=5)),
    "mitoses": st.floats(-5, 100), "primary_site": st.text(max_size=15),
    "differentiation": st.sampled_from(["well", "poor", "moderate", "WELL"]),
    "minen_fraction": st.floats(-1, 2)})


@settings(max_examples=300, deadline=None)
@given(st.fixed_dictionaries({"tumor": tumor_values}))
def test_structured_documents_as_yaml_text(kb, doc):
    try:
        case = read_case(yaml.safe_load(yaml.safe_dump(doc)), kb)
    except InputError as exc:
        assert all(p.path for p in exc.problems)
    else:
        assert case.tumor.ki67 is None or 0 <= case.tumor.ki67 <= 100


def test_stated_absence_differs_from_unknown(kb):
    from nenboard.facts import derive_facts

    absent = read_case({"tumor": {"functional_syndrome": "none"}}, kb)
    unknown = read_case({"tumor": {}}, kb)
    assert derive_facts(absent, kb)["functional"] is False
    assert "functional" not in derive_facts(unknown, kb)


def test_regimen_components_started_together_count_as_one_line(kb):
    from nenboard.facts import derive_facts

    case = read_case({"history": [
        {"therapy": "cisplatin", "start": "2024-01"}, {"therapy": "etoposide", "start": "2024-01"},
        {"therapy": "folfiri", "start": "2024-08"}]}, kb)
    assert derive_facts(case, kb)["line"] == 3
