"""Matcher semantics on fixture trials (independent of curation progress)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from nenboard.errors import InputError
from nenboard.knowledge.conditions import Truth
from nenboard.trials import match_facts, match_report, match_trials, plan_candidates
from nenboard.trials.match import compiled_trials, normalise_status, phase_rank

AS_OF = dt.date(2026, 12, 2)


def by_id(matches):
    return {m.trial.id: m for m in matches}


def test_dll3_nec_after_platinum_is_eligible_for_dll3_engager(fixture_kb, fixture_case):
    m = by_id(match_trials(fixture_case("dll3_nec_after_platinum"), fixture_kb))
    dll3 = m["fx-dll3-engager"]
    assert dll3.eligibility == "eligible"
    assert len(dll3.criteria) >= 3 and all(r.truth is Truth.MET for r in dll3.criteria)
    after = next(r for r in dll3.criteria if r.id == "after-platinum")
    assert "platinum" in after.used["prior_classes"]
    assert dll3.explanation == "meets all 4 criteria"  # 3 own + the advanced-disease default


def test_dll3_unknown_makes_possibly_eligible_and_names_missing_fact(fixture_kb, fixture_case):
    case = fixture_case("dll3_nec_after_platinum")
    case = case.model_copy(update={"molecular": case.molecular.model_copy(update={"ihc": None})})
    dll3 = by_id(match_trials(case, fixture_kb))["fx-dll3-engager"]
    assert dll3.eligibility == "possibly_eligible"
    crit = next(r for r in dll3.criteria if r.id == "dll3")
    assert crit.truth is Truth.UNKNOWN
    assert crit.missing == ["ihc.DLL3"]
    assert "ihc.DLL3" in dll3.explanation and "3 of 4" in dll3.explanation


def test_dll3_engager_needs_prior_platinum(fixture_kb, fixture_case):
    case = fixture_case("dll3_nec_after_platinum").model_copy(update={"history": []})
    dll3 = by_id(match_trials(case, fixture_kb))["fx-dll3-engager"]
    assert dll3.eligibility == "ineligible"
    assert dll3.explanation == ("fails: after platinum-based chemotherapy (second line) "
                                "(prior_classes = none)")


def test_prrt_naive_net_fits_naive_trial_not_prior_prrt_trial(fixture_kb, fixture_case):
    m = by_id(match_trials(fixture_case("prrt_naive_sstr_net"), fixture_kb))
    assert m["fx-pb212-naive"].eligibility == "eligible"
    after = m["fx-pb212-after-prrt"]
    assert after.eligibility == "ineligible"
    failed = [r.id for r in after.criteria if r.truth is Truth.NOT_MET]
    assert failed == ["prior-prrt"]


def test_after_prrt_net_is_the_mirror_image(fixture_kb, fixture_case):
    m = by_id(match_trials(fixture_case("after_prrt_sstr_net"), fixture_kb))
    assert m["fx-pb212-after-prrt"].eligibility == "eligible"
    assert m["fx-pb212-naive"].eligibility == "ineligible"


def test_sstr_negative_nec_fails_sstr_directed_trials(fixture_kb, fixture_case):
    m = by_id(match_trials(fixture_case("sstr_negative_nec"), fixture_kb))
    for tid in ("fx-pb212-naive", "fx-pb212-after-prrt"):
        assert m[tid].eligibility == "ineligible"
        sstr = next(r for r in m[tid].criteria if r.id == "sstr")
        assert sstr.truth is Truth.NOT_MET
        assert sstr.used == {"sstr": "negative"}
        assert "sstr = negative" in m[tid].explanation


def test_trials_without_structured_criteria_are_never_eligible(fixture_kb, fixture_case):
    m = by_id(match_trials(fixture_case("prrt_naive_sstr_net"), fixture_kb))
    for tid in ("fx-uncurated", "fx-empty"):
        assert m[tid].eligibility == "possibly_eligible"
        assert m[tid].criteria[-1].id == "criteria_not_structured"
        assert m[tid].criteria[-1].truth is Truth.UNKNOWN
        assert "not yet structured" in m[tid].explanation
    # ... but a registry criterion that fails still makes it ineligible
    child = fixture_case("prrt_naive_sstr_net")
    child = child.model_copy(update={"patient": child.patient.model_copy(update={"age": 15})})
    assert by_id(match_trials(child, fixture_kb))["fx-uncurated"].eligibility == "ineligible"


def test_any_of_biomarkers(fixture_kb, fixture_case):
    case = fixture_case("sstr_negative_nec")
    mol = case.molecular.model_copy(update={"msi": "high"})
    m = by_id(match_trials(case.model_copy(update={"molecular": mol}), fixture_kb))
    assert m["fx-msi-nec"].eligibility == "eligible"
    mol = case.molecular.model_copy(update={"msi": "stable", "alterations": []})
    m = by_id(match_trials(case.model_copy(update={"molecular": mol}), fixture_kb))
    assert m["fx-msi-nec"].eligibility == "ineligible"
    m = by_id(match_trials(case, fixture_kb))  # msi and alterations not stated
    assert m["fx-msi-nec"].eligibility == "possibly_eligible"


def _fresh(kb, trial_id, date="2026-06-01"):
    """The knowledge base with one trial's status restated by the registry on ``date``."""
    from nenboard.knowledge.schema import StatusAsOf

    t = kb.trials[trial_id]
    fresh = t.model_copy(update={"status_as_of": StatusAsOf(source="ctgov", date=date)})
    return kb.model_copy(update={"trials": {**kb.trials, trial_id: fresh}})


def test_ranking_enrolling_first_then_eligibility_then_phase(fixture_kb, fixture_case):
    kb = _fresh(fixture_kb, "fx-pb212-naive")
    matches = match_trials(fixture_case("prrt_naive_sstr_net"), kb, as_of=AS_OF)
    fitting = [m for m in matches if m.eligibility != "ineligible"]
    assert matches[:len(fitting)] == fitting  # ineligible trials last
    standing = [m.enrolment for m in fitting]
    assert standing == sorted(standing, key=["enrolling", "to_verify", "evidence"].index)
    # the phase 2 trial with a current recruiting status comes before the closed phase 3
    assert fitting[0].trial.id == "fx-pb212-naive" and fitting[0].enrolment == "enrolling"
    closed = by_id(matches)["fx-ssa-midgut"]
    assert closed.enrolment == "evidence" and fitting[-1] is closed
    assert "not enrolling" in closed.explanation
    # within one standing: eligible before possibly eligible, then higher phase
    to_verify = [m for m in fitting if m.enrolment == "to_verify"]
    order = [m.eligibility for m in to_verify]
    assert order == sorted(order, key=["eligible", "possibly_eligible"].index)
    possible = [m.trial.id for m in to_verify if m.eligibility == "possibly_eligible"]
    assert possible.index("fx-uncurated") < possible.index("fx-empty")  # phase 2 before 1/2


def test_stale_status_is_to_verify_and_never_enrolling(fixture_kb, fixture_case):
    case = fixture_case("prrt_naive_sstr_net")
    for as_of in (AS_OF, None):  # None: no day given, so no status counts as current
        m = by_id(match_trials(case, fixture_kb, as_of=as_of))["fx-pb212-naive"]
        assert m.eligibility == "eligible" and m.enrolment == "to_verify"
        assert m.status_label.startswith("to verify: recruiting (as stated in mcclellan2022, 2022)")
        assert "https://clinicaltrials.gov/study/NCT05153772" in m.status_label
        assert m not in plan_candidates(match_trials(case, fixture_kb, as_of=as_of))
    fresh = _fresh(fixture_kb, "fx-pb212-naive", "2026-01-10")
    m = by_id(match_trials(case, fresh, as_of=AS_OF))["fx-pb212-naive"]
    assert m.status_label == "recruiting (as stated in ctgov, 2026-01-10)"
    assert [c.trial.id for c in plan_candidates(match_trials(case, fresh, as_of=AS_OF))] == \
        ["fx-pb212-naive"]
    late = dt.date(2027, 1, 11)  # 12 months and a day after the registry's statement
    assert by_id(match_trials(case, fresh, as_of=late))["fx-pb212-naive"].enrolment == \
        "to_verify"


def test_status_filter(fixture_kb, fixture_case):
    case = fixture_case("prrt_naive_sstr_net")
    recruiting = match_trials(case, fixture_kb, status="recruiting")
    assert recruiting and {m.trial.status for m in recruiting} == {"recruiting"}
    opened = match_trials(case, fixture_kb, status="open")
    assert {m.trial.status for m in opened} == {"recruiting", "not_yet_recruiting"}
    assert normalise_status(["recruiting,completed"]) == ("recruiting", "completed")
    with pytest.raises(InputError) as exc:
        normalise_status("enrolling")
    assert "--status" in exc.value.one_line()


def test_json_contract_and_determinism(fixture_kb, fixture_case):
    case = fixture_case("dll3_nec_after_platinum")
    first = json.dumps(match_report(case, fixture_kb).to_json())
    again = json.dumps(match_report(case, fixture_kb).to_json())
    assert first == again
    doc = json.loads(first)
    assert doc["summary"]["eligible"] >= 1
    for m in doc["matches"]:
        assert isinstance(m["nct"], str) or m["nct"] is None
        assert m["status"] in ("recruiting", "not_yet_recruiting", "active_not_recruiting",
                               "completed", "terminated", "withdrawn", "suspended", "unknown")
        assert m["eligibility"] in ("eligible", "possibly_eligible", "ineligible")
        assert m["criteria"], m["trial"]
        for c in m["criteria"]:
            assert c["result"] in ("met", "not_met", "unknown")
            assert isinstance(c["criterion"], str) and c["criterion"]
            assert c["citations"], (m["trial"], c["id"])
    empty = next(m for m in doc["matches"] if m["trial"] == "fx-empty")
    assert empty["nct"] is None and empty["nct_ids"] == []


def test_compiled_once_per_kb(fixture_kb, real_kb):
    assert compiled_trials(fixture_kb) is compiled_trials(fixture_kb)
    assert compiled_trials(real_kb) is not compiled_trials(fixture_kb)
    assert {c.trial.id for c in compiled_trials(fixture_kb)} == set(fixture_kb.trials)


def test_match_facts_is_the_same_as_match_trials(fixture_kb, fixture_case):
    from nenboard.facts import derive_facts

    case = fixture_case("after_prrt_sstr_net")
    a = [(m.trial.id, m.eligibility) for m in match_trials(case, fixture_kb)]
    b = [(m.trial.id, m.eligibility) for m in match_facts(derive_facts(case, fixture_kb),
                                                          fixture_kb)]
    assert a == b


def test_plan_candidates(fixture_kb, fixture_case):
    case = fixture_case("sstr_negative_nec")
    assert plan_candidates(match_trials(case, fixture_kb, as_of=AS_OF)) == []  # all stale
    kb = fixture_kb
    for tid in fixture_kb.trials:
        kb = _fresh(kb, tid)
    matches = match_trials(case, kb, as_of=AS_OF)
    cands = plan_candidates(matches)
    assert cands and all(m.eligibility != "ineligible" for m in cands)
    assert len(cands) == sum(m.eligibility != "ineligible" and m.trial.status in
                             ("recruiting", "not_yet_recruiting") for m in matches)


@pytest.mark.parametrize(("phase", "rank"), [("3", 3), ("2/3", 2.5), ("1b/3", 2), ("1b", 1),
                                             ("II", 2), (None, 0), ("NA", 0)])
def test_phase_rank(phase, rank):
    assert phase_rank(phase) == rank
