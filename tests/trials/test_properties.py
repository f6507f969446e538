"""Random valid cases never break the matcher; every result is one of three values."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nenboard.case import case_from_data, vocab
from nenboard.knowledge.facts import IHC_VALUES, SITES
from nenboard.trials import match_trials
from nenboard.trials.match import STATUS_RANK, phase_rank

maybe = lambda s: st.one_of(st.none(), s)  # noqa: E731

THERAPIES = ["octreotide", "lanreotide", "everolimus", "sunitinib", "cisplatin", "etoposide",
             "carboplatin", "temozolomide", "capecitabine", "177Lu-DOTATATE", "lutetium-177-dotatate"]


@st.composite
def cases(draw: Any) -> dict[str, Any]:
    history = draw(st.lists(st.fixed_dictionaries({
        "therapy": st.sampled_from(THERAPIES),
        "best_response": maybe(st.sampled_from(vocab.RESPONSES)),
        "reason_stopped": maybe(st.sampled_from(vocab.STOP_REASONS)),
    }), max_size=3))
    return {
        "patient": {"age": draw(maybe(st.integers(0, 120))),
                    "sex": draw(maybe(st.sampled_from(vocab.SEXES))),
                    "ecog": draw(maybe(st.integers(0, 4)))},
        "tumor": {"primary_site": draw(maybe(st.sampled_from(SITES))),
                  "differentiation": draw(maybe(st.sampled_from(vocab.DIFFERENTIATION))),
                  "morphology": draw(maybe(st.sampled_from(vocab.MORPHOLOGY))),
                  "ki67": draw(maybe(st.floats(0, 100, allow_nan=False))),
                  "mitoses": draw(maybe(st.floats(0, 200, allow_nan=False))),
                  "minen_fraction": draw(maybe(st.floats(0, 1, allow_nan=False))),
                  "functional_syndrome": draw(maybe(st.sampled_from(vocab.SYNDROMES))),
                  "stage": draw(maybe(st.sampled_from(vocab.STAGES))),
                  "resectable": draw(maybe(st.booleans())),
                  "metastases": draw(maybe(st.lists(st.sampled_from(vocab.METASTASIS_SITES),
                                                    max_size=3, unique=True)))},
        "imaging": {"sstr": draw(maybe(st.sampled_from(vocab.IMAGING))),
                    "krenning": draw(maybe(st.integers(0, 4)))},
        "history": history,
        "molecular": {"msi": draw(maybe(st.sampled_from(vocab.MSI))),
                      "tmb": draw(maybe(st.floats(0, 100, allow_nan=False))),
                      "ihc": draw(maybe(st.dictionaries(
                          st.sampled_from(["DLL3", "SSTR2", "RB1", "p53", "MGMT"]),
                          st.sampled_from(IHC_VALUES), max_size=3))),
                      "alterations": draw(maybe(st.lists(st.fixed_dictionaries({
                          "gene": st.sampled_from(["BRAF", "KRAS", "RB1", "TP53", "MEN1"]),
                          "alteration": st.sampled_from(["V600E", "G12C", "loss",
                                                         "amplification"])}), max_size=3)))},
    }


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_random_cases_never_raise(real_kb: Any, data: dict[str, Any]) -> None:
    case = case_from_data(data, real_kb)
    matches = match_trials(case, real_kb)
    assert len(matches) == len(real_kb.trials)
    for m in matches:
        assert m.eligibility in ("eligible", "possibly_eligible", "ineligible")
        results = {r.truth.value for r in m.criteria}
        assert results <= {"met", "not_met", "unknown"}
        if m.eligibility == "eligible":
            assert results == {"met"} and m.structured
        elif m.eligibility == "ineligible":
            assert "not_met" in results
        else:
            assert "unknown" in results and "not_met" not in results
        assert m.explanation
        m.to_json()
        assert m.unknown_criteria == [r.text for r in m.criteria if r.truth.value == "unknown"]


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_ranking_follows_the_documented_key(real_kb: Any, data: dict[str, Any]) -> None:
    """The packed integer sort key ranks exactly as the documented tuple would:
    ineligible last, enrolment standing, eligibility, higher phase, open status,
    more criteria known, then trial id."""
    matches = match_trials(case_from_data(data, real_kb), real_kb, as_of=dt.date(2026, 12, 2))
    order = ("eligible", "possibly_eligible", "ineligible")
    standing = ("enrolling", "to_verify", "evidence")
    expected = sorted(matches, key=lambda m: (
        m.eligibility == "ineligible", standing.index(m.enrolment),
        order.index(m.eligibility), -phase_rank(m.trial.phase),
        STATUS_RANK.get(m.trial.status, len(STATUS_RANK)), -(m.met + m.not_met), m.trial.id))
    assert [m.trial.id for m in matches] == [m.trial.id for m in expected]
