"""The planner uses results published after the reviews, for the populations they enrolled.

Cabozantinib (CABINET) for previously treated progressive pancreatic and extra-pancreatic
NET; first-line 177Lu-DOTATATE (NETTER-2) for newly diagnosed SSTR-positive GEP-NET with
Ki-67 10-55%. Such options carry the figures with their source, are marked as published
after the source reviews, and show what the review had said with its date.
"""

from __future__ import annotations

from typing import Any

import pytest

from nenboard.case import read_case
from nenboard.knowledge import KnowledgeBase
from nenboard.knowledge.post_review import is_post_review
from nenboard.therapy import plan
from nenboard.therapy.model import Option, Plan


def _case(site: str, ki67: float, history: list[dict[str, Any]], sstr: str = "positive",
          differentiation: str = "well", **tumor: Any) -> dict[str, Any]:
    return {
        "patient": {"age": 62, "sex": "female", "ecog": 1, "egfr": 80},
        "tumor": {"primary_site": site, "differentiation": differentiation, "ki67": ki67,
                  "stage": "metastatic", "resectable": False, "metastases": ["liver"], **tumor},
        "imaging": {"sstr": sstr, "fdg": "negative"},
        "history": history,
    }


def _progressed(therapy: str, start: str) -> dict[str, Any]:
    return {"therapy": therapy, "start": start, "best_response": "stable_disease",
            "reason_stopped": "progression", "progression_type": "radiological"}


AFTER_SSA_AND_EVEROLIMUS = [_progressed("lanreotide autogel", "2021-01"),
                            _progressed("everolimus", "2022-06")]
AFTER_SSA_AND_PRRT = [_progressed("octreotide LAR", "2020-02"),
                      _progressed("177Lu-DOTATATE PRRT", "2022-03")]


def _plan(data: dict[str, Any], kb: KnowledgeBase) -> Plan:
    return plan(read_case(data, kb), kb)


def _option(p: Plan, therapy: str) -> Option | None:
    return next((o for o in p.options if o.therapy == therapy), None)


def _benefits(o: Option, trial: str) -> dict[tuple[str, str, str], float]:
    return {(b.endpoint, b.arm, b.unit): b.value for b in o.benefit if b.trial == trial}


def _with_evidence(p: Plan, trial: str) -> list[Option]:
    return [o for o in p.options if any(e.trial == trial for e in o.evidence)]


def test_cabozantinib_for_previously_treated_progressive_pancreatic_net(kb: KnowledgeBase) -> None:
    p = _plan(_case("pancreas", 12, AFTER_SSA_AND_EVEROLIMUS), kb)
    cabo = _option(p, "cabozantinib")
    assert cabo is not None and cabo.category == "standard" and cabo.esmo_level == "I"
    figures = _benefits(cabo, "nct03375320")
    assert figures[("PFS", "cabozantinib 60 mg daily (pancreatic NET cohort)", "months")] == 13.8
    assert figures[("PFS", "placebo (pancreatic NET cohort)", "months")] == 4.4
    assert figures[("PFS", "cabozantinib 60 mg daily (pancreatic NET cohort)", "HR")] == 0.23
    hr = next(b for b in cabo.benefit if b.unit == "HR" and b.value == 0.23)
    assert hr.citations and hr.citations[0].source == "chan2024-cabinet" and hr.citations[0].url
    # marked as published after the reviews, with its date and identifiers
    later = {d.source: d for d in cabo.after_reviews}
    assert later["chan2024-cabinet"].date == "2024-09-16"
    assert "PMID 39282913" in later["chan2024-cabinet"].label
    # both statements about the trial, each with its date
    (u,) = [u for u in cabo.updates if u.trial == "nct03375320"]
    assert (u.earlier.source, u.earlier.date) == ("mcclellan2022", "2022-09-29")
    assert "Recruiting" in (u.earlier.quote or "")
    assert (u.later.source, u.later.date) == ("chan2024-cabinet", "2024-09-16")
    assert any("since then" in n and "2024-09-16" in n for n in cabo.notes)


def test_cabozantinib_for_progressive_extra_pancreatic_net(kb: KnowledgeBase) -> None:
    p = _plan(_case("jejunum_ileum", 5, AFTER_SSA_AND_PRRT), kb)
    cabo = _option(p, "cabozantinib")
    assert cabo is not None and cabo.category == "standard"
    figures = _benefits(cabo, "nct03375320")
    assert figures[("PFS", "cabozantinib 60 mg daily (extrapancreatic NET cohort)", "months")] == 8.4
    assert figures[("PFS", "placebo (extrapancreatic NET cohort)", "months")] == 3.9
    assert figures[("PFS", "cabozantinib 60 mg daily (extrapancreatic NET cohort)", "HR")] == 0.38
    assert "chan2024-cabinet" in {d.source for d in cabo.after_reviews}
    assert "cabozantinib-epnet-cabinet" in cabo.rules


def test_cabozantinib_needs_the_prior_therapy_cabinet_required(kb: KnowledgeBase) -> None:
    after_ssa_only = _plan(_case("pancreas", 8, [_progressed("lanreotide autogel", "2022-01")]), kb)
    assert _option(after_ssa_only, "cabozantinib") is None or \
        _option(after_ssa_only, "cabozantinib").category not in ("standard", "alternative")
    reasons = " | ".join(e.reason for e in after_ssa_only.excluded if e.therapy == "cabozantinib")
    assert "PRRT or targeted therapy" in reasons
    naive = _plan(_case("pancreas", 8, []), kb)
    assert all(o.category not in ("standard", "alternative")
               for o in naive.options if o.therapy == "cabozantinib")


def test_no_cabozantinib_standard_for_nec(kb: KnowledgeBase) -> None:
    nec = _case("pancreas", 70, [{"therapy": "cisplatin + etoposide", "start": "2023-01",
                                  "best_response": "partial_response",
                                  "reason_stopped": "progression"}],
                differentiation="poor", morphology="large_cell")
    p = _plan(nec, kb)
    assert not [o for o in p.options if o.therapy == "cabozantinib" and o.category == "standard"]


@pytest.mark.parametrize("ki67", [10, 15, 25, 55])
def test_first_line_prrt_for_the_netter2_population(kb: KnowledgeBase, ki67: float) -> None:
    p = _plan(_case("jejunum_ileum", ki67, []), kb)
    prrt = _option(p, "prrt-lu177-dotatate")
    assert prrt is not None and prrt.category == "standard" and prrt.esmo_level == "I"
    assert "prrt-first-line-netter2" in prrt.rules
    figures = _benefits(prrt, "netter-2")
    assert figures[("PFS", "177Lu-DOTATATE (4 cycles) + octreotide 30 mg LAR", "months")] == 22.8
    assert figures[("PFS", "high-dose octreotide 60 mg LAR", "months")] == 8.5
    assert figures[("PFS", "177Lu-DOTATATE (4 cycles) + octreotide 30 mg LAR", "HR")] == 0.276
    assert "singh2024-netter2" in {d.source for d in prrt.after_reviews}
    assert any("published after the source reviews" in n for n in prrt.notes)


@pytest.mark.parametrize(("label", "data"), [
    ("G1 Ki-67 2%", _case("jejunum_ileum", 2, [])),
    ("Ki-67 above 55%", _case("pancreas", 60, [])),
    ("NEC", _case("pancreas", 70, [], differentiation="poor", morphology="small_cell")),
    ("SSTR imaging negative", _case("pancreas", 25, [], sstr="negative")),
    ("already treated", _case("jejunum_ileum", 15, [_progressed("octreotide LAR", "2022-01")])),
])
def test_no_first_line_prrt_standard_outside_netter2(kb: KnowledgeBase, label: str,
                                                      data: dict[str, Any]) -> None:
    p = _plan(data, kb)
    offered = [o for o in _with_evidence(p, "netter-2") if o.category in ("standard", "alternative")]
    assert not offered, f"{label}: {[(o.name, o.category) for o in offered]}"


def test_sstr_by_ihc_only_asks_for_imaging(kb: KnowledgeBase) -> None:
    data = _case("pancreas", 20, [], sstr="unknown")
    data["molecular"] = {"ihc": {"SSTR2": "positive"}}
    p = _plan(data, kb)
    assert not _with_evidence(p, "netter-2")
    pending = [e for e in p.excluded if e.rule == "prrt-first-line-netter2"]
    assert pending and pending[0].kind == "pending"
    assert any("177Lu-DOTATATE" in a and "first line" in a
               for t in p.to_complete if "SSTR imaging" in t.item for a in t.affects)


def test_review_only_options_are_not_marked(kb: KnowledgeBase) -> None:
    p = _plan(_case("jejunum_ileum", 2, []), kb)
    ssa = _option(p, "lanreotide-autogel")
    assert ssa is not None and ssa.after_reviews == [] and ssa.updates == []
    for o in p.options:
        assert all(is_post_review(d.source, kb) for d in o.after_reviews), o.name


def test_the_case_cohort_figures_come_first(kb: KnowledgeBase) -> None:
    ep = _option(_plan(_case("jejunum_ileum", 5, AFTER_SSA_AND_PRRT), kb), "cabozantinib")
    pan = _option(_plan(_case("pancreas", 12, AFTER_SSA_AND_EVEROLIMUS), kb), "cabozantinib")
    assert ep is not None and pan is not None
    assert "extrapancreatic" in ep.benefit[0].arm and ep.benefit[0].value == 8.4
    assert "(pancreatic NET cohort)" in pan.benefit[0].arm and pan.benefit[0].value == 13.8
