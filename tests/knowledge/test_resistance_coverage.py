"""Resistance mechanisms the reviews name appear for a case that progressed on that therapy
(issue 13 item 8). Each case is written from the review passage the mechanism comes from."""

from __future__ import annotations

from typing import Any

import pytest

from nenboard.case import read_case
from nenboard.knowledge import default_kb
from nenboard.therapy import plan

KB = default_kb()


def _case(therapy: str, best: str, *, nec: bool, site: str = "pancreas") -> dict[str, Any]:
    tumor = ({"primary_site": site, "differentiation": "poor", "ki67": 70, "morphology":
              "small_cell"} if nec else
             {"primary_site": site, "differentiation": "well", "ki67": 8, "mitoses": 3})
    return {"tumor": {**tumor, "stage": "metastatic", "metastases": ["liver"]},
            "imaging": {"sstr": "positive" if not nec else "negative"},
            "history": [{"therapy": therapy, "start": "2022-01", "end": "2023-06",
                         "best_response": best, "reason_stopped": "progression",
                         "progression_type": "radiological"}]}


CASES = [
    # mcclellan2022 3.3 (ref 113): FGFR4 and everolimus resistance in panNET; a panNET with
    # disease control on everolimus, then progression (secondary) must still see it.
    ("mtor-fgfr4-g388r", "everolimus", "stable_disease", False, "pancreas"),
    # ooki2023 4.1 (refs 153-154): EGFR feedback, intrinsic resistance to BRAF inhibition
    ("targeted-braf-inhibitor-egfr-feedback", "dabrafenib-trametinib", "progressive_disease",
     True, "colon"),
    ("targeted-braf-inhibitor-egfr-feedback", "vemurafenib", "progressive_disease", True,
     "colon"),
    # ooki2023 4.1 (refs 147-148): RTK dependency and signalling rebound, KRAS G12C inhibitors
    ("targeted-kras-g12c-rtk-rebound", "sotorasib", "stable_disease", True, "pancreas"),
    # mcclellan2022 3.1 (ref 44): predictors of a shorter time to progression on SSA
    ("ssa-unfavorable-clinical-factors", "lanreotide", "stable_disease", False, "pancreas"),
    # ooki2023 4.3 (ref 179): WEE1 inhibitor monotherapy without response
    ("wee1-monotherapy-limited-activity", "adavosertib", "progressive_disease", True,
     "esophagus"),
    # ooki2023 4.10 (refs 304-305): PARP inhibitors upregulate PD-L1
    ("parp-inhibitor-pdl1-upregulation", "olaparib", "stable_disease", True, "stomach"),
    # ooki2023 4.10 (ref 300): HDAC inhibitors upregulate PD-L1
    ("hdac-inhibitor-pdl1-upregulation", "tucidinostat", "stable_disease", True, "stomach"),
    # ooki2023 4.7 (ref 225): EZH2 inhibitor monotherapy without response
    ("ezh2-inhibitor-monotherapy-inactive", "pf-06821497", "progressive_disease", True,
     "esophagus"),
    # pavel2016 (Schwartz et al. 2015): PI3K isoform switching through RTK feedback
    ("pi3k-isoform-switch-rtk-feedback", "alpelisib", "stable_disease", False, "pancreas"),
]


@pytest.mark.parametrize("mechanism,therapy,best,nec,site", CASES,
                         ids=[f"{c[1]}-{c[0]}" for c in CASES])
def test_named_mechanism_appears_after_progression(mechanism: str, therapy: str, best: str,
                                                   nec: bool, site: str) -> None:
    p = plan(read_case(_case(therapy, best, nec=nec, site=site), KB), KB)
    entry = next(r for r in p.resistance if r.therapy == therapy)
    assert mechanism in {m.id for m in entry.mechanisms}
    assert all(m.citations for m in entry.mechanisms)


def test_every_resistance_record_reaches_a_therapy_class_with_drugs() -> None:
    """A mechanism whose class no drug or regimen carries can never appear in an analysis."""
    reachable = {c for t in [*KB.drugs, *KB.regimens] for c in KB.classes_of(t)}
    unreachable = sorted(m.id for m in KB.resistance.values() if m.therapy_class not in reachable)
    assert unreachable == []
