"""The Done-when behaviours of issue 6 on the curated knowledge base and worked examples.

These read the real trial records (by NCT number, so they survive id changes)
and the example cases in examples/cases/.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from nenboard.case import read_case
from nenboard.knowledge.check import check
from nenboard.knowledge.conditions import Truth
from nenboard.trials import match_trials

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "cases"
FIXTURES = Path(__file__).parent / "fixtures"

DLL3_ENGAGERS = ("NCT04429087", "NCT04471727")  # BI 764532, HPN328 (ooki2023 Table 7)
PB212_NAIVE = "NCT05153772"  # 212Pb-DOTAMTATE, PRRT naive (mcclellan2022 Table 1)
AFTER_PRRT = ("NCT03466216", "NCT05477576")  # 212Pb-DOTAMTATE / 225Ac-DOTATATE after PRRT


def case_file(name: str) -> Path:
    for folder in (EXAMPLES, FIXTURES):
        if (folder / name).exists():
            return folder / name
    pytest.skip(f"example {name} not written yet")


def by_nct(matches):
    return {n: m for m in matches for n in m.trial.nct}


def test_dll3_positive_nec_after_platinum_fits_dll3_cd3_engagers(real_kb):
    case = read_case(case_file("esophageal_scnec.yaml"), real_kb)
    m = by_nct(match_trials(case, real_kb))
    for nct in DLL3_ENGAGERS:
        assert nct in m, f"{nct} is not in the knowledge base"
        assert m[nct].eligibility == "eligible", (nct, m[nct].explanation)
        tested = {f for r in m[nct].criteria for f in r.reads}
        assert "ihc.DLL3" in tested, f"{nct}: no DLL3 criterion"


def test_dll3_engagers_refuse_dll3_negative_and_first_line(real_kb):
    case = read_case(case_file("esophageal_scnec.yaml"), real_kb)
    negative = case.model_copy(update={"molecular": case.molecular.model_copy(
        update={"ihc": {"DLL3": "negative"}})})
    naive = case.model_copy(update={"history": []})
    for variant in (negative, naive):
        m = by_nct(match_trials(variant, real_kb))
        for nct in DLL3_ENGAGERS:
            assert m[nct].eligibility == "ineligible", (nct, m[nct].explanation)


def test_nec_after_platinum_without_dll3_result_asks_for_dll3(real_kb):
    case = read_case(case_file("nec_after_platinum.yaml"), real_kb)
    m = by_nct(match_trials(case, real_kb))
    for nct in DLL3_ENGAGERS:
        assert m[nct].eligibility == "possibly_eligible", (nct, m[nct].explanation)
        assert "ihc.DLL3" in m[nct].explanation


@pytest.mark.parametrize("name", ["si_net_naive.yaml", "si_net_after_ssa.yaml",
                                  "prrt_naive_sstr_net.yaml"])
def test_prrt_naive_sstr_positive_net_fits_the_naive_212pb_trial_only(real_kb, name):
    case = read_case(case_file(name), real_kb)
    m = by_nct(match_trials(case, real_kb))
    assert m[PB212_NAIVE].eligibility == "eligible", m[PB212_NAIVE].explanation
    for nct in AFTER_PRRT:
        assert m[nct].eligibility == "ineligible", (nct, m[nct].explanation)
        failed = {f for r in m[nct].criteria if r.truth is Truth.NOT_MET for f in r.reads}
        assert failed == {"prior_classes"}, (nct, m[nct].explanation)


def test_after_prrt_net_fits_the_after_prrt_trials(real_kb):
    case = read_case(case_file("after_prrt_sstr_net.yaml"), real_kb)
    m = by_nct(match_trials(case, real_kb))
    assert m[PB212_NAIVE].eligibility == "ineligible"
    for nct in AFTER_PRRT:
        assert m[nct].eligibility == "eligible", (nct, m[nct].explanation)


@pytest.mark.parametrize("name", ["esophageal_scnec.yaml", "sstr_negative_nec.yaml",
                                  "pannet_sstr_negative.yaml"])
def test_sstr_negative_tumor_fails_every_sstr_directed_trial(real_kb, name):
    case = read_case(case_file(name), real_kb)
    matches = match_trials(case, real_kb)
    sstr_directed = [m for m in matches
                     if any(r.reads and set(r.reads) <= {"sstr", "sstr_imaging", "krenning"}
                            for r in m.criteria)]
    assert len(sstr_directed) >= 3
    for m in sstr_directed:
        assert m.eligibility == "ineligible", (m.trial.id, m.explanation)


def test_every_criterion_cites_a_registered_source(real_kb):
    for t in real_kb.trials.values():
        for c in t.eligibility:
            assert c.citations, (t.id, c.id)
            for cit in c.citations:
                assert cit.source in real_kb.sources, (t.id, c.id, cit.source)


def test_kb_check_accepts_every_criterion(real_kb):
    problems = [str(p) for p in check(real_kb) if ".eligibility." in p.path]
    assert problems == []


def test_every_example_matches_without_error(real_kb):
    paths = sorted(EXAMPLES.glob("*.yaml"))
    if not paths:
        pytest.skip("no examples yet")
    for path in paths:
        matches = match_trials(read_case(path, real_kb), real_kb)
        assert len(matches) == len(real_kb.trials)
