"""Safety invariants on thousands of generated cases (hypothesis).

No SSA/PRRT as standard/alternative with negative SSTR imaging; no
platinum-etoposide as standard for NET G1/G2; no standard option outside the
population its trial evidence enrolled; a failed therapy is never re-offered as
standard; nothing is offered without a citation to a registered source.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nenboard.case import read_case
from nenboard.facts import derive_facts
from nenboard.knowledge import default_kb
from nenboard.knowledge.facts import SITES, SYNDROMES
from nenboard.therapy import plan
from tests.therapy.helpers import violations

KB = default_kb()
# History drawn from what the planner itself offers plus common prior therapies.
THERAPIES = sorted({r.therapy for r in KB.rules.values()}
                   | {"octreotide-lar", "lanreotide-autogel", "everolimus", "sunitinib",
                      "cisplatin-etoposide", "captem", "prrt-lu177-dotatate"})
RESPONSES = [None, "complete_response", "partial_response", "stable_disease", "progressive_disease"]
maybe = st.none() | st.just(None)


def opt(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.none() | strategy


history_entry = st.fixed_dictionaries({
    "therapy": st.sampled_from(THERAPIES),
    "best_response": st.sampled_from(RESPONSES),
    "reason_stopped": opt(st.sampled_from(["progression", "toxicity", "completed", "other",
                                           "ongoing"])),
    "progression_type": opt(st.sampled_from(["radiological", "symptomatic", "both"])),
    "cycles": opt(st.sampled_from([2, 4])),
    "toxicity": opt(st.just("grade 3 thrombocytopenia")),
})

cases = st.fixed_dictionaries({
    "patient": st.fixed_dictionaries({
        "ecog": opt(st.integers(0, 4)), "diabetes": opt(st.booleans()),
        "egfr": opt(st.integers(10, 120))}),
    "tumor": st.fixed_dictionaries({
        "primary_site": opt(st.sampled_from(SITES)),
        "differentiation": opt(st.sampled_from(["well", "poor"])),
        "morphology": opt(st.sampled_from(["small_cell", "large_cell"])),
        "ki67": opt(st.sampled_from([1, 2, 3, 5, 9, 10, 12, 20, 21, 35, 55, 56, 80])),
        "mitoses": opt(st.sampled_from([0, 1, 2, 5, 19, 20, 21, 40])),
        "functional_syndrome": opt(st.sampled_from(SYNDROMES)),
        "stage": opt(st.sampled_from(["localized", "locoregional", "metastatic"])),
        "resectable": opt(st.booleans()),
        "metastases": opt(st.lists(st.sampled_from(["liver", "lymph_node", "bone", "peritoneum"]),
                                   max_size=3, unique=True)),
        "bone_metastases_count": opt(st.integers(0, 8)),
        "minen_fraction": opt(st.sampled_from([0.1, 0.4])),
    }),
    "imaging": st.fixed_dictionaries({
        "sstr": opt(st.sampled_from(["positive", "negative", "unknown"])),
        "krenning": opt(st.integers(0, 4)),
        "fdg": opt(st.sampled_from(["positive", "negative"]))}),
    "history": st.lists(history_entry, max_size=3),
    "molecular": st.fixed_dictionaries({
        "msi": opt(st.sampled_from(["high", "stable"])),
        "tmb": opt(st.sampled_from([1.0, 9.9, 10.0, 25.0])),
        "alterations": opt(st.sampled_from([[{"gene": "BRAF", "alteration": "V600E"}],
                                            [{"gene": "TP53", "alteration": "R273H"}],
                                            [{"gene": "DAXX", "alteration": "loss"}]])),
        "ihc": opt(st.fixed_dictionaries({
            "SSTR2": st.sampled_from(["positive", "negative"]),
            "RB1": st.sampled_from(["loss", "retained"])}))}),
    "symptoms": st.fixed_dictionaries({"bowel_movements_per_day": opt(st.integers(0, 10))}),
})


def _clean(data: Any) -> Any:
    if isinstance(data, dict):
        return {k: _clean(v) for k, v in data.items() if v is not None}
    if isinstance(data, list):
        return [_clean(v) for v in data]
    return data


@settings(max_examples=800, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases)
def test_invariants_hold_on_generated_cases(raw: dict[str, Any]) -> None:
    case = read_case(_clean(raw), KB)
    result = plan(case, KB)
    assert violations(result, derive_facts(case, KB), KB) == []
    # every prior therapy that ended in progression gets exactly one resistance entry
    failed = [h for h in case.history
              if h.reason_stopped == "progression" or h.best_response == "progressive_disease"
              or (h.reason_stopped in ("completed", "ongoing") and h.progression_type)]
    assert len(result.resistance) == len(failed)
    for r, h in zip(result.resistance, failed, strict=True):
        expected = ("primary" if h.best_response == "progressive_disease"
                    else "unknown" if h.best_response is None else "secondary")
        assert r.kind == expected


@settings(max_examples=150, deadline=None)
@given(cases)
def test_plan_is_deterministic(raw: dict[str, Any]) -> None:
    case = read_case(_clean(raw), KB)
    assert plan(case, KB).model_dump_json() == plan(case, KB).model_dump_json()


def test_a_sstr_negative_midgut_net_after_ssa_gets_no_prrt() -> None:
    case = read_case({
        "tumor": {"primary_site": "jejunum_ileum", "differentiation": "well", "ki67": 5,
                  "stage": "metastatic", "metastases": ["liver"]},
        "imaging": {"sstr": "negative"},
        "history": [{"therapy": "octreotide-lar", "best_response": "stable_disease",
                     "reason_stopped": "progression"}]}, KB)
    result = plan(case, KB)
    offered = {o.therapy for o in result.options if o.category in ("standard", "alternative")}
    assert "prrt-lu177-dotatate" not in offered
    assert "everolimus" in offered
    assert any(e.therapy == "prrt-lu177-dotatate" and "SSTR imaging negative" in e.reason
               for e in result.excluded)
